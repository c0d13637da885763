import type { ToolResult } from '@toolhost/plugin-sdk';
import type { EscalationInfo, Source } from './AgentResponse.js';

export interface ReplyInput {
  results: ReadonlyMap<string, ToolResult>;
  escalation: EscalationInfo | null;
  /** A lookup the plan needed (knowledge or CRM) failed. */
  degraded: boolean;
}

interface RagHit extends Source {
  snippet: string;
}

interface CrmProfile {
  name?: string;
  plan?: string;
  accountStatus?: string;
  openOrders?: Array<{ id?: string; status?: string; total?: number }>;
}

/** RAG hits of a successful `rag.search`, or none. */
export function ragHits(result: ToolResult | undefined): RagHit[] {
  if (!result?.success) return [];
  const hits = (result.data as { results?: unknown }).results;
  return Array.isArray(hits) ? (hits as RagHit[]) : [];
}

function crmSentence(result: ToolResult | undefined): string | null {
  if (!result?.success) return null;
  const profile = result.data as CrmProfile;
  const who = profile.name ? `${profile.name}, ` : '';
  let sentence = `Your account (${who}${profile.plan ?? 'unknown'} plan) is ${profile.accountStatus ?? 'unknown'}.`;
  const orders = profile.openOrders ?? [];
  if (orders.length > 0) {
    const list = orders.map((o) => `#${o.id ?? '?'} (${o.status ?? 'unknown'})`).join(', ');
    sentence += ` You have ${orders.length} open order${orders.length === 1 ? '' : 's'}: ${list}.`;
  } else {
    sentence += ' You have no open orders.';
  }
  return sentence;
}

/** The reply text, built only from what the tools returned. */
export function composeReply({ results, escalation, degraded }: ReplyInput): string {
  const parts: string[] = [];
  const account = crmSentence(results.get('crm.lookup_customer'));
  if (account) parts.push(account);
  const [best, ...rest] = ragHits(results.get('rag.search'));
  if (best && !escalation?.created) {
    parts.push(`${best.title}: ${best.snippet.trim()}`);
    if (rest.length > 0) parts.push(`See also: ${rest.map((hit) => hit.title).join('; ')}.`);
  }
  if (escalation) {
    parts.push(
      escalation.created
        ? `I've passed this to our support team: your ticket is ${escalation.ticketId}, and a person will follow up with you.`
        : `Your request is already with our support team (ticket ${escalation.ticketId}); a person will follow up with you.`,
    );
  }
  if (parts.length === 0) {
    parts.push(
      "I couldn't find an answer to that. Could you rephrase it, or ask me to connect you with a person?",
    );
  }
  if (degraded)
    parts.push('Some of our systems are not answering right now, so this reply may be incomplete.');
  return parts.join('\n\n');
}
