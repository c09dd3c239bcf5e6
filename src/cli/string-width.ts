// The display width of a string in a terminal, for yargs' help layout (cliui, wrap-ansi). Stands in
// for the string-width package in the bundle (scripts/build.sh, --alias): that one builds an
// Intl.Segmenter and a \p{RGI_Emoji} expression when it is loaded and walks every string grapheme by
// grapheme, some 30 ms of every start-up and 20 ms more for the help text yargs renders for each
// command it runs. Help text is ASCII: counted at once. Other text is counted code point by code
// point: zero for marks and controls, two for wide East Asian characters and emoji, one otherwise.

// eslint-disable-next-line no-control-regex
const ANSI = /[\u001B\u009B][[\]()#;?]*(?:(?:(?:;[-a-zA-Z\d/#&.:=?%@~_]+)*|[a-zA-Z\d]+(?:;[-a-zA-Z\d/#&.:=?%@~_]*)*)?\u0007|(?:\d{1,4}(?:;\d{0,4})*)?[\dA-PR-TZcf-nq-uy=><~])/g;
const PRINTABLE_ASCII = /^[\u0020-\u007E]*$/;
let zeroWidth: RegExp | undefined;
let emoji: RegExp | undefined;

/** East Asian Wide and Fullwidth blocks (Unicode's EastAsianWidth W and F), the common ranges. */
const WIDE: ReadonlyArray<readonly [number, number]> = [
  [0x1100, 0x115f], [0x2e80, 0x303e], [0x3041, 0x33ff], [0x3400, 0x4dbf], [0x4e00, 0x9fff], [0xa000, 0xa4cf],
  [0xa960, 0xa97f], [0xac00, 0xd7a3], [0xf900, 0xfaff], [0xfe10, 0xfe19], [0xfe30, 0xfe6f], [0xff00, 0xff60],
  [0xffe0, 0xffe6], [0x1b000, 0x1b2ff], [0x1f200, 0x1f2ff], [0x20000, 0x3fffd],
];
const isWide = (cp: number) => WIDE.some(([a, b]) => cp >= a && cp <= b);

export default function stringWidth(text: string, options: { countAnsiEscapeCodes?: boolean } = {}): number {
  if (typeof text !== 'string' || text.length === 0) return 0;
  const s = options.countAnsiEscapeCodes ? text : text.replace(ANSI, '');
  if (PRINTABLE_ASCII.test(s)) return s.length;
  zeroWidth ??= /^[\p{Cc}\p{Cf}\p{Mn}\p{Me}\p{Cs}\p{Default_Ignorable_Code_Point}]$/u;
  emoji ??= /^\p{Emoji_Presentation}$/u;
  let width = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (zeroWidth.test(ch)) continue;
    width += emoji.test(ch) || isWide(cp) ? 2 : 1;
  }
  return width;
}
