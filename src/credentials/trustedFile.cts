/**
 * Reading a cache file only when nobody else could have put it there: it belongs to this user
 * (root may read any user's, as under sudo with HOME kept) and no other user may write to it.
 * Otherwise another user could plant credentials of their own account for us to serve. The rule
 * and the reader live in the base module checkedFile.cts (the config folder reads through it too);
 * this module names them for the credentials code. A refused file (planted by another user, a
 * FIFO, a link, too large) is an UntrustedFileError: callers ignore it and refresh.
 */
export { distrust, ownedByAnotherUser, readTrustedFile, FileRefusedError as UntrustedFileError } from '../checkedFile.cjs';
