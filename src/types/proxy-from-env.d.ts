// proxy-from-env ships no types; this is the one function rolegate calls.
declare module 'proxy-from-env' {
  /** The proxy URL the *_PROXY / NO_PROXY variables give for `url`, or '' for none. */
  export function getProxyForUrl(url: string | URL): string;
}
