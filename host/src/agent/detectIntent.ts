import type { Intent } from './Planner.js';

const HUMAN =
  /\b(human|real person|live agent|an agent|representative|speak (?:to|with)|talk (?:to|with)|call me|manager|supervisor|escalate)\b/i;
const ANGER =
  /\b(angry|furious|ridiculous|unacceptable|terrible|worst|scam|useless|fed up|sick of|outrageous|disgusting)\b/i;
const ACCOUNT =
  /\b(my (?:account|orders?|subscription|plan|invoices?|bills?|balance|payments?|profile|package|delivery)|order status|account status|where is my)\b/i;

function shouts(text: string): boolean {
  // Redaction markers ([EMAIL], [CARD], …) are capitals the customer did not type.
  const letters = text.replace(/\[[A-Z_]+\]/g, '').replace(/[^A-Za-z]/g, '');
  return letters.length >= 12 && letters.replace(/[^A-Z]/g, '').length / letters.length > 0.7;
}

/**
 * Deterministic intent rules, checked in order: an explicit request for a person,
 * then anger (angry words, `!!`, or a message in capitals), then a question about
 * the customer's own account or orders, else a knowledge question.
 */
export function detectIntent(text: string): Intent {
  if (HUMAN.test(text)) return 'human';
  if (ANGER.test(text) || /!{2,}/.test(text) || shouts(text)) return 'angry';
  if (ACCOUNT.test(text)) return 'account';
  return 'knowledge';
}
