/**
 * IAM is eventually consistent: a listing (ListAccessKeys) can lag behind a create for seconds. A
 * create whose answer was lost is therefore not concluded to have made nothing from one listing:
 * the listing is read again, with backoff, until it shows what is looked for or about 20 s have
 * passed. The same wait confirms that a listing accounts for a key just made before a progress
 * record that names the keys is cleared.
 */

/** How long a listing is given to catch up with a create. */
export const LISTING_WAIT_MS = 20_000;

export async function waitForListing<T>(
  list: () => Promise<T>,
  settled: (listing: T) => boolean,
  options: { maxWaitMs?: number; firstDelayMs?: number } = {},
): Promise<{ listing: T; settled: boolean }> {
  const deadline = Date.now() + (options.maxWaitMs ?? LISTING_WAIT_MS);
  let delay = options.firstDelayMs ?? 500;
  for (;;) {
    const listing = await list();
    if (settled(listing)) return { listing, settled: true };
    if (Date.now() >= deadline) return { listing, settled: false };
    await new Promise((resolve) => setTimeout(resolve, Math.min(delay, Math.max(0, deadline - Date.now()))));
    delay = Math.min(delay * 2, 4_000);
  }
}
