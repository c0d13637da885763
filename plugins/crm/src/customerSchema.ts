/** What `GET {baseUrl}/customers/{id}` answers, and what lookup_customer returns as data. */
export interface CustomerProfile {
  id: string;
  name: string;
  email: string;
  plan: string;
  accountStatus: string;
  openOrders: Array<{ id: string; status: string; total: number }>;
}

/** JSON Schema of a CustomerProfile: the tool's outputSchema and the check on the CRM's answer. */
export const customerProfileSchema = {
  type: 'object',
  required: ['id', 'name', 'email', 'plan', 'accountStatus', 'openOrders'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    email: { type: 'string' },
    plan: { type: 'string' },
    accountStatus: { type: 'string' },
    openOrders: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'status', 'total'],
        properties: {
          id: { type: 'string' },
          status: { type: 'string' },
          total: { type: 'number' },
        },
      },
    },
  },
} as const;

/**
 * Checks the CRM's answer by hand rather than with a validator: the plugin depends on
 * nothing but the SDK, and the host validates `data` against outputSchema anyway.
 */
export function isCustomerProfile(value: unknown): value is CustomerProfile {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const strings = ['id', 'name', 'email', 'plan', 'accountStatus'].every(
    (k) => typeof v[k] === 'string',
  );
  return (
    strings &&
    Array.isArray(v['openOrders']) &&
    v['openOrders'].every(
      (o: unknown) =>
        typeof o === 'object' &&
        o !== null &&
        typeof (o as Record<string, unknown>)['id'] === 'string' &&
        typeof (o as Record<string, unknown>)['status'] === 'string' &&
        typeof (o as Record<string, unknown>)['total'] === 'number',
    )
  );
}
