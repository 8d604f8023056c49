/**
 * A `cli` step's command line, split the way redis-cli splits what you type at its prompt
 * (sds.c:sdssplitargs, 7.0.15): whitespace separates arguments; "double quotes" take the
 * escapes \n \r \t \b \a \xHH and \<any char>; 'single quotes' take only \'; a closing quote
 * must be followed by whitespace or the end.
 */

/** isspace() in the C locale, the separators sdssplitargs knows. */
const C_SPACE = new Set([" ", "\t", "\n", "\v", "\f", "\r"]);

const ESCAPES: Readonly<Record<string, string>> = { n: "\n", r: "\r", t: "\t", b: "\b", a: "\x07" };

export class ArgsSyntaxError extends Error {
  override readonly name = "ArgsSyntaxError";
}

export function splitArgs(line: string): string[] {
  const args: string[] = [];
  let i = 0;
  for (;;) {
    while (i < line.length && C_SPACE.has(line[i]!)) i++;
    if (i >= line.length) return args;
    let current = "";
    let quote: '"' | "'" | null = null;
    for (;;) {
      const c = line[i];
      if (quote === '"') {
        if (c === undefined) throw new ArgsSyntaxError("unbalanced double quote");
        if (c === "\\" && line[i + 1] === "x" && isHex(line[i + 2]) && isHex(line[i + 3])) {
          current += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
          i += 4;
          continue;
        }
        if (c === "\\" && i + 1 < line.length) {
          const next = line[i + 1]!;
          current += ESCAPES[next] ?? next;
          i += 2;
          continue;
        }
        if (c === '"') {
          if (i + 1 < line.length && !C_SPACE.has(line[i + 1]!)) throw new ArgsSyntaxError("a closing double quote must be followed by a space");
          i++;
          break;
        }
        current += c;
        i++;
      } else if (quote === "'") {
        if (c === undefined) throw new ArgsSyntaxError("unbalanced single quote");
        if (c === "\\" && line[i + 1] === "'") {
          current += "'";
          i += 2;
          continue;
        }
        if (c === "'") {
          if (i + 1 < line.length && !C_SPACE.has(line[i + 1]!)) throw new ArgsSyntaxError("a closing single quote must be followed by a space");
          i++;
          break;
        }
        current += c;
        i++;
      } else {
        if (c === undefined || C_SPACE.has(c)) break;
        if (c === '"' || c === "'") quote = c;
        else current += c;
        i++;
      }
    }
    args.push(current);
  }
}

function isHex(c: string | undefined): boolean {
  return c !== undefined && /^[0-9a-fA-F]$/.test(c);
}

/** Printable ASCII that needs no quotes. */
const BARE = /^[!#-&(-[\]-~]+$/;

/** One command line that splitArgs turns back into exactly `argv`. */
export function joinArgs(argv: readonly string[]): string {
  return argv.map(quoteArg).join(" ");
}

function quoteArg(arg: string): string {
  if (BARE.test(arg)) return arg;
  let out = '"';
  for (const c of arg) {
    const code = c.codePointAt(0)!;
    if (c === "\\" || c === '"') out += `\\${c}`;
    else if (c === "\n") out += "\\n";
    else if (c === "\r") out += "\\r";
    else if (c === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else out += c;
  }
  return `${out}"`;
}
