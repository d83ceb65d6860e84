/**
 * A quoted HCL string holding `text` literally: JSON's escapes (which HCL shares: \" \\ \n \uNNNN),
 * and `${` / `%{` doubled so Terraform does not read them as an interpolation or a directive.
 * Used by `setup --emit terraform` and `rolegate terraform`.
 */
export function hclString(text: string): string {
  // a function replacement: in a replacement string, `$$` would stand for a single `$`
  return JSON.stringify(text).replace(/([$%])\{/g, (_, sign: string) => `${sign}${sign}{`);
}
