/** What `GET {baseUrl}/records/{id}` answers, and what lookup_record returns as data. */
export interface ServiceRecord {
  id: string;
  name: string;
  status: string;
}

/** JSON Schema of a ServiceRecord: the tool's outputSchema. */
export const recordSchema = {
  type: 'object',
  required: ['id', 'name', 'status'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    status: { type: 'string' },
  },
} as const;

/** Checks the service's answer by hand: the plugin depends on nothing but the SDK. */
export function isServiceRecord(value: unknown): value is ServiceRecord {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return ['id', 'name', 'status'].every((key) => typeof v[key] === 'string');
}
