export type PiiKind = 'email' | 'iban' | 'card' | 'national_id' | 'phone';

export interface Redaction {
  /** The text with every detected item replaced by a `[KIND]` marker. */
  text: string;
  redacted: boolean;
  /** How many items of each kind were replaced. */
  found: Partial<Record<PiiKind, number>>;
}

function digitsOf(value: string): string {
  return value.replace(/\D/g, '');
}

/** Luhn checksum: separates card numbers from other long digit runs (order numbers, dates). */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return digits.length >= 13 && sum % 10 === 0;
}

/** ISO 13616 mod-97 check of an IBAN. */
export function isValidIban(candidate: string): boolean {
  const iban = candidate.replace(/\s/g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const value = char >= 'A' ? String(char.charCodeAt(0) - 55) : char;
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

interface Detector {
  kind: PiiKind;
  /** Every [start, end) range of this kind in `text`, in order, not overlapping. */
  find(text: string): Array<[number, number]>;
}

/**
 * Ranges where `pattern` matches and `accept` agrees. With `retryInside`, a refused match
 * is retried from its next character, so a longer false candidate never hides a real one
 * inside it (for shapes that are checksummed; a bare phone shape would then match the
 * tail of any number).
 */
function byPattern(
  pattern: RegExp,
  accept: (match: string) => boolean = () => true,
  retryInside = false,
) {
  return (text: string): Array<[number, number]> => {
    const found: Array<[number, number]> = [];
    const regex = new RegExp(
      pattern.source,
      pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`,
    );
    for (let match = regex.exec(text); match !== null; match = regex.exec(text)) {
      if (accept(match[0])) {
        found.push([match.index, match.index + match[0].length]);
      } else if (retryInside) {
        regex.lastIndex = match.index + 1;
      }
    }
    return found;
  };
}

/** Digit groups as printed on cards: 4-4-4-4(-3), 4-6-5 (Amex), 4-6-4 (Diners). */
const CARD_GROUPINGS = new Set([
  '4-4-4-4',
  '4-4-4-4-3',
  '4-6-5',
  '4-6-4',
  '4-4-4-1',
  '4-4-4-2',
  '4-4-4-3',
]);

function looksLikeCard(candidate: string): boolean {
  const groups = candidate.split(/[ -]/);
  return groups.length === 1 || CARD_GROUPINGS.has(groups.map((g) => g.length).join('-'));
}

/**
 * Card numbers: from each number boundary, the longest 13–19 digit run, written as one
 * block or in the groups cards use, that passes Luhn.
 */
function findCards(text: string): Array<[number, number]> {
  const found: Array<[number, number]> = [];
  const start = /(?<![+\d])\d/g;
  for (let match = start.exec(text); match !== null; match = start.exec(text)) {
    for (let digits = 19; digits >= 13; digits -= 1) {
      const candidate = new RegExp(`(?:\\d[ -]?){${digits - 1}}\\d(?!\\d)`, 'y');
      candidate.lastIndex = match.index;
      const card = candidate.exec(text);
      if (card && looksLikeCard(card[0]) && passesLuhn(digitsOf(card[0]))) {
        found.push([match.index, match.index + card[0].length]);
        start.lastIndex = match.index + card[0].length;
        break;
      }
    }
  }
  return found;
}

// Order matters: specific shapes first, so a card or IBAN is never half-eaten as a phone number.
const DETECTORS: readonly Detector[] = [
  {
    kind: 'email',
    find: byPattern(/[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/),
  },
  {
    kind: 'iban',
    find: byPattern(
      /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b/,
      isValidIban,
      true,
    ),
  },
  { kind: 'card', find: findCards },
  // US SSN and UK National Insurance number shapes.
  {
    kind: 'national_id',
    find: byPattern(/\b\d{3}-\d{2}-\d{4}\b|\b[A-CEGHJ-PR-TW-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b/i),
  },
  {
    kind: 'phone',
    find: byPattern(
      /(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d{2,4}(?:[ .-]\d{2,4}){1,4}|\+\d{7,15}\b/,
      (m) => {
        const digits = digitsOf(m).length;
        if (/^\d{4}-\d{2}-\d{2}$/.test(m)) return false;
        return (
          digits >= 7 &&
          digits <= 15 &&
          (m.startsWith('+') || m.startsWith('(') || /[ .-].*[ .-]/.test(m))
        );
      },
    ),
  },
];

const MARKERS: Readonly<Record<PiiKind, string>> = {
  email: '[EMAIL]',
  iban: '[IBAN]',
  card: '[CARD]',
  national_id: '[NATIONAL_ID]',
  phone: '[PHONE]',
};

/**
 * Replaces e-mail addresses, IBANs (mod-97 checked), payment card numbers (Luhn
 * checked), national-id-like numbers and phone numbers with `[KIND]` markers, before
 * anything is stored, logged or handed to a tool.
 */
export function redactPii(input: string): Redaction {
  let text = input;
  const found: Partial<Record<PiiKind, number>> = {};
  for (const { kind, find } of DETECTORS) {
    const ranges = find(text);
    if (ranges.length === 0) continue;
    found[kind] = ranges.length;
    let out = '';
    let at = 0;
    for (const [from, to] of ranges) {
      out += text.slice(at, from) + MARKERS[kind];
      at = to;
    }
    text = out + text.slice(at);
  }
  return { text, redacted: Object.keys(found).length > 0, found };
}
