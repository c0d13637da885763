import { describe, expect, it } from 'vitest';
import { isValidIban, passesLuhn, redactPii } from './redactPii.js';

describe('redactPii', () => {
  it.each([
    ['email', 'write to jane.doe+support@example.co.uk please', 'write to [EMAIL] please'],
    ['card with spaces', 'my card is 4111 1111 1111 1111 thanks', 'my card is [CARD] thanks'],
    ['card with dashes', 'card 5500-0000-0000-0004', 'card [CARD]'],
    ['IBAN', 'refund to GB82 WEST 1234 5698 7654 32 please', 'refund to [IBAN] please'],
    ['compact IBAN', 'DE89370400440532013000', '[IBAN]'],
    ['SSN', 'ssn 123-45-6789', 'ssn [NATIONAL_ID]'],
    ['UK NI number', 'NI number AB 12 34 56 C', 'NI number [NATIONAL_ID]'],
    ['international phone', 'call me on +44 20 7946 0958', 'call me on [PHONE]'],
    ['US phone', 'call (415) 555-2671 tomorrow', 'call [PHONE] tomorrow'],
    ['compact international phone', 'whatsapp +4915112345678', 'whatsapp [PHONE]'],
  ])('redacts %s', (_kind, input, expected) => {
    const result = redactPii(input);
    expect(result.text).toBe(expected);
    expect(result.redacted).toBe(true);
  });

  it.each([
    ['an order number', 'where is order 123456789?'],
    ['a number that fails Luhn', 'reference 4111 1111 1111 1112'],
    ['a date', 'ordered on 2026-11-24'],
    ['a price', 'it cost 1299.99 dollars'],
    ['plain text', 'I want to return my shoes'],
  ])('leaves %s alone', (_label, input) => {
    expect(redactPii(input)).toEqual({ text: input, redacted: false, found: {} });
  });

  it('does not report an IBAN-shaped string that fails mod-97 as an IBAN', () => {
    expect(redactPii('code GB82 WEST 1234 5698 7654 33').found.iban).toBeUndefined();
  });

  it.each([
    [
      'a card followed by its expiry and CVV',
      'card 4111 1111 1111 1111 12/27 123',
      'card [CARD] 12/27 123',
    ],
    ['a card after another number', 'order 55 4111 1111 1111 1111', 'order 55 [CARD]'],
    [
      'a phone number right before a card',
      '+44 20 7946 0958 4111 1111 1111 1111',
      '[PHONE] [CARD]',
    ],
  ])('finds the real item inside a longer false candidate: %s', (_label, input, expected) => {
    expect(redactPii(input).text).toBe(expected);
  });

  it('counts every kind it replaced', () => {
    const result = redactPii('a@b.io, c@d.io, card 4111111111111111, +1 415 555 2671');
    expect(result.found).toEqual({ email: 2, card: 1, phone: 1 });
    expect(result.text).toBe('[EMAIL], [EMAIL], card [CARD], [PHONE]');
  });

  it('checksums work on known values', () => {
    expect(passesLuhn('4111111111111111')).toBe(true);
    expect(passesLuhn('4111111111111112')).toBe(false);
    expect(isValidIban('GB82WEST12345698765432')).toBe(true);
    expect(isValidIban('GB82WEST12345698765433')).toBe(false);
  });
});
