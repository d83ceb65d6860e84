/** For `rolegate status`: rotations an earlier run left unfinished (no SDK, no secrets). */
export { pendingRotation, type PendingRotation } from '../setups/rotationJournal.js';
