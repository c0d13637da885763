import { h } from './dom.js';
import type { JsonSchema } from './types.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface Field {
  name: string;
  read(): Json | undefined;
}

/** An input's value could not become what the schema asks for. */
export class FormError extends Error {}

const typeOf = (schema: JsonSchema): string | undefined => {
  const type = schema['type'];
  return Array.isArray(type)
    ? String(type.find((t) => t !== 'null') ?? '')
    : (type as string | undefined);
};

function field(
  id: string,
  name: string,
  schema: JsonSchema,
  required: boolean,
): { element: HTMLElement; field: Field } {
  const type = typeOf(schema);
  const description = typeof schema['description'] === 'string' ? schema['description'] : null;
  const hintId = `${id}-hint`;
  const label = h(
    'label',
    { attrs: { for: id } },
    name,
    required ? ' (required)' : '',
    type ? ` — ${type}` : '',
  );
  const hint = description ? h('p', { class: 'hint', attrs: { id: hintId } }, description) : null;
  const common = {
    id,
    name,
    required,
    'aria-describedby': hint ? hintId : null,
    'data-field': name,
  };
  const enumValues = Array.isArray(schema['enum']) ? (schema['enum'] as Json[]) : null;
  let input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
  let read: () => Json | undefined;
  if (enumValues) {
    const select = h(
      'select',
      { attrs: common },
      required ? null : h('option', { attrs: { value: '' } }, '(none)'),
      ...enumValues.map((value, i) =>
        h('option', { attrs: { value: String(i) } }, JSON.stringify(value)),
      ),
    );
    input = select;
    read = () => (select.value === '' ? undefined : enumValues[Number(select.value)]);
  } else if (type === 'boolean') {
    const box = h('input', { attrs: { ...common, type: 'checkbox', required: false } });
    input = box;
    read = () => box.checked;
  } else if (type === 'integer' || type === 'number') {
    const number = h('input', {
      attrs: {
        ...common,
        type: 'number',
        step: type === 'integer' ? 1 : 'any',
        min: schema['minimum'] as number | undefined,
        max: schema['maximum'] as number | undefined,
      },
    });
    input = number;
    read = () => {
      if (number.value === '') return undefined;
      const value = Number(number.value);
      if (!Number.isFinite(value)) throw new FormError(`${name} must be a number`);
      return value;
    };
  } else if (type === 'string') {
    const text = h('input', {
      attrs: { ...common, type: 'text', maxlength: schema['maxLength'] as number | undefined },
    });
    input = text;
    read = () => (text.value === '' && !required ? undefined : text.value);
  } else {
    const area = h('textarea', {
      attrs: { ...common, rows: 3, placeholder: type === 'array' ? '[ ]' : '{ }' },
    });
    input = area;
    read = () => {
      if (area.value.trim() === '') return undefined;
      try {
        return JSON.parse(area.value) as Json;
      } catch {
        throw new FormError(`${name} must be JSON`);
      }
    };
  }
  return { element: h('div', { class: 'field' }, label, input, hint), field: { name, read } };
}

/**
 * A form for a tool's input schema: one input per top-level property (text, number, checkbox,
 * choice; JSON for objects and arrays). The host validates the input again with ajv.
 */
export function schemaForm(
  idPrefix: string,
  schema: JsonSchema,
  onSubmit: (input: Record<string, Json>) => void,
  submitLabel: string,
): HTMLFormElement {
  const properties = (schema['properties'] ?? {}) as Record<string, JsonSchema>;
  const required = new Set(
    Array.isArray(schema['required']) ? (schema['required'] as string[]) : [],
  );
  const built = Object.entries(properties).map(([name, property], i) =>
    field(`${idPrefix}-${i}`, name, property, required.has(name)),
  );
  const error = h('p', { class: 'error', attrs: { role: 'alert' } });
  const form = h(
    'form',
    {
      class: 'tool-form',
      on: {
        submit: (event) => {
          event.preventDefault();
          error.textContent = '';
          const input: Record<string, Json> = {};
          try {
            for (const { field: f } of built) {
              const value = f.read();
              if (value !== undefined) input[f.name] = value;
            }
          } catch (failure) {
            error.textContent = (failure as Error).message;
            return;
          }
          onSubmit(input);
        },
      },
    },
    ...built.map((b) => b.element),
    built.length === 0 ? h('p', { class: 'hint' }, 'This tool takes no input fields.') : null,
    h('button', { attrs: { type: 'submit' } }, submitLabel),
    error,
  );
  return form;
}
