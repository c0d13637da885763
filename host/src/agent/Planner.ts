import type { JsonObject } from '@toolhost/plugin-sdk';
import type { SessionContext } from '../session/SessionStore.js';

export type Intent = 'knowledge' | 'account' | 'human' | 'angry';

export interface PlannedCall {
  tool: string;
  input: JsonObject;
}

export interface PlanInput {
  /** The message with PII already redacted. */
  text: string;
  customerId: string | null;
  /** The session as it stands with this message counted. */
  session: SessionContext;
  /** The session id tools see (`<key>/<id>`, see sessionIdForTools): for keys that must not cross owners. */
  toolSessionId: string;
  /** Whether a tool is registered right now. */
  has(tool: string): boolean;
}

export interface Plan {
  intent: Intent;
  /** Run in order; the calls inside one step run concurrently. */
  steps: PlannedCall[][];
}

/**
 * Chooses the tool calls for a message; the default is RulePlanner, a model-driven one can
 * slot in (hence async). A rejection fails the message.
 */
export interface Planner {
  plan(input: PlanInput): Promise<Plan>;
}
