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
  pattern: RegExp;
  accept?: (match: string) => boolean;
}

// Order matters: specific shapes first, so a card or IBAN is never half-eaten as a phone number.
const DETECTORS: readonly Detector[] = [
  { kind: 'email', pattern: /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g },
  {
    kind: 'iban',
    pattern: /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b/g,
    accept: isValidIban,
  },
  {
    kind: 'card',
    pattern: /(?<![+\d])\b\d(?:[ -]?\d){12,18}\b/g,
    accept: (m) => passesLuhn(digitsOf(m)),
  },
  // US SSN and UK National Insurance number shapes.
  {
    kind: 'national_id',
    pattern: /\b\d{3}-\d{2}-\d{4}\b|\b[A-CEGHJ-PR-TW-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b/gi,
  },
  {
    kind: 'phone',
    pattern: /(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d{2,4}(?:[ .-]\d{2,4}){1,4}|\+\d{7,15}\b/g,
    accept: (m) => {
      const digits = digitsOf(m).length;
      if (/^\d{4}-\d{2}-\d{2}$/.test(m)) return false;
      return (
        digits >= 7 &&
        digits <= 15 &&
        (m.startsWith('+') || m.startsWith('(') || /[ .-].*[ .-]/.test(m))
      );
    },
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
  for (const { kind, pattern, accept } of DETECTORS) {
    text = text.replace(pattern, (match) => {
      if (accept && !accept(match)) return match;
      found[kind] = (found[kind] ?? 0) + 1;
      return MARKERS[kind];
    });
  }
  return { text, redacted: Object.keys(found).length > 0, found };
}
