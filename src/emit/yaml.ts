/**
 * A small YAML writer for CloudFormation templates: mappings, sequences, strings, numbers and
 * booleans, block style, no tags (the template uses the long forms `Fn::Sub`, `Ref`, `Fn::If`).
 * Strings that YAML could read as something else are written double-quoted in JSON's escaping,
 * which is valid YAML. Enough for the values a template holds; not a general serializer.
 */
export function renderYaml(value: Record<string, unknown>, header: string[] = []): string {
  const lines = [...header.map((line) => `# ${line}`.trimEnd()), ...block(value, 0)];
  return lines.join('\n') + '\n';
}

function block(value: unknown, indent: number): string[] {
  const pad = ' '.repeat(indent);
  if (Array.isArray(value)) {
    return value.flatMap((item) => {
      if (isScalarLike(item)) return [`${pad}- ${scalar(item)}`];
      const inner = block(item, indent + 2);
      return [`${pad}- ${inner[0]!.slice(indent + 2)}`, ...inner.slice(1)];
    });
  }
  return Object.entries(value as Record<string, unknown>).flatMap(([key, item]) =>
    isScalarLike(item) ? [`${pad}${text(key)}: ${scalar(item)}`] : [`${pad}${text(key)}:`, ...block(item, indent + 2)],
  );
}

/** Scalars and empty collections fit on the line of their key. */
function isScalarLike(value: unknown): boolean {
  if (Array.isArray(value)) return value.length === 0;
  if (value !== null && typeof value === 'object') return Object.keys(value).length === 0;
  return true;
}

function scalar(value: unknown): string {
  if (Array.isArray(value)) return '[]';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return text(value);
  if (value === null || value === undefined) return 'null';
  return '{}';
}

const PLAIN = /^[A-Za-z_/][\w ./:@+=,()*-]*$/;
const RESERVED = /^(y|n|yes|no|on|off|true|false|null)$/i;

function text(value: string): string {
  const plain = PLAIN.test(value) && !RESERVED.test(value) && !value.includes(': ') && !value.endsWith(':') && !value.endsWith(' ');
  return plain ? value : JSON.stringify(value);
}
