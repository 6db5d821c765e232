/**
 * SASLprep (RFC 4013, the stringprep profile SCRAM-SHA-256 applies to passwords): map
 * non-ASCII spaces to U+0020 and delete "commonly mapped to nothing" characters, normalise
 * with NFKC, refuse prohibited characters and apply the bidi rule. Unassigned code points are
 * allowed (the "query" behaviour), since JavaScript's Unicode tables are newer than stringprep's
 * Unicode 3.2 and cannot tell them apart reliably.
 */

/** RFC 3454 C.1.2: non-ASCII space characters, mapped to SPACE. */
const NON_ASCII_SPACE = /[\u00A0\u1680\u2000-\u200B\u202F\u205F\u3000]/gu;
/** RFC 3454 B.1: commonly mapped to nothing. */
const MAPPED_TO_NOTHING = /[\u00AD\u034F\u1806\u180B-\u180D\u200B-\u200D\u2060\uFE00-\uFE0F\uFEFF]/gu;

/** RFC 3454 C.1.2, C.2.1, C.2.2, C.3, C.4, C.5, C.6, C.7, C.8, C.9. */
const PROHIBITED = new RegExp(
  [
    '[\\u00A0\\u1680\\u2000-\\u200B\\u202F\\u205F\\u3000]', // C.1.2 non-ASCII spaces
    '[\\u0000-\\u001F\\u007F]', // C.2.1 ASCII control
    '[\\u0080-\\u009F\\u06DD\\u070F\\u180E\\u200C\\u200D\\u2028\\u2029\\u2060-\\u2063\\u206A-\\u206F\\uFEFF\\uFFF9-\\uFFFC\\u{1D173}-\\u{1D17A}]', // C.2.2
    '[\\uE000-\\uF8FF\\u{F0000}-\\u{FFFFD}\\u{100000}-\\u{10FFFD}]', // C.3 private use
    '[\\uFDD0-\\uFDEF\\uFFFE\\uFFFF\\u{1FFFE}\\u{1FFFF}\\u{2FFFE}\\u{2FFFF}\\u{3FFFE}\\u{3FFFF}\\u{4FFFE}\\u{4FFFF}\\u{5FFFE}\\u{5FFFF}\\u{6FFFE}\\u{6FFFF}\\u{7FFFE}\\u{7FFFF}\\u{8FFFE}\\u{8FFFF}\\u{9FFFE}\\u{9FFFF}\\u{AFFFE}\\u{AFFFF}\\u{BFFFE}\\u{BFFFF}\\u{CFFFE}\\u{CFFFF}\\u{DFFFE}\\u{DFFFF}\\u{EFFFE}\\u{EFFFF}\\u{FFFFE}\\u{FFFFF}\\u{10FFFE}\\u{10FFFF}]', // C.4 non-characters
    '\\p{Cs}', // C.5 surrogate code points (lone surrogates in a JS string)
    '[\\uFFF9-\\uFFFD]', // C.6 inappropriate for plain text
    '[\\u2FF0-\\u2FFB]', // C.7 inappropriate for canonical representation
    '[\\u0340\\u0341\\u200E\\u200F\\u202A-\\u202E\\u206A-\\u206F]', // C.8 change display properties
    '[\\u{E0001}\\u{E0020}-\\u{E007F}]', // C.9 tagging characters
  ].join('|'),
  'u',
);

/**
 * Right-to-left characters (RFC 3454 D.1, approximated by the letters of the RTL scripts, since
 * ECMAScript regexps have no Bidi_Class property) and left-to-right letters (D.2, approximated
 * by every other letter).
 */
const RAND_AL_LETTER =
  /(?=\p{L})[\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Samaritan}\p{Script=Mandaic}]/u;
const L_CAT = /(?![\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Samaritan}\p{Script=Mandaic}])\p{L}/u;

/** Printable ASCII needs no work at all (the common case). */
const PRINTABLE_ASCII = /^[\x20-\x7E]*$/;

/** Prepares `input` with SASLprep; throws a `TypeError` naming the rule (never the input). */
export function saslprep(input: string): string {
  if (PRINTABLE_ASCII.test(input)) return input;
  const mapped = input.replace(NON_ASCII_SPACE, ' ').replace(MAPPED_TO_NOTHING, '');
  const normalized = mapped.normalize('NFKC');
  if (PROHIBITED.test(normalized)) throw new TypeError('SASLprep: the string contains a prohibited character');
  checkBidi(normalized);
  return normalized;
}

/** RFC 3454 §6: no mixing of RTL and LTR letters, and an RTL string starts and ends RTL. */
function checkBidi(text: string): void {
  if (!RAND_AL_LETTER.test(text)) return;
  if (L_CAT.test(text)) throw new TypeError('SASLprep: the string mixes left-to-right and right-to-left characters');
  const chars = [...text];
  if (!RAND_AL_LETTER.test(chars[0]!) || !RAND_AL_LETTER.test(chars[chars.length - 1]!)) {
    throw new TypeError('SASLprep: a right-to-left string must start and end with a right-to-left character');
  }
}
