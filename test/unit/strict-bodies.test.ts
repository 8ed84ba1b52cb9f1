import { describe, expect, it } from 'vitest';
import { routes } from '../../shared/app/route-table';
import type * as z from '../../shared/platform/zod';

interface Def {
  type: string;
  shape?: Record<string, z.ZodMiniType>;
  catchall?: z.ZodMiniType;
  innerType?: z.ZodMiniType;
  in?: z.ZodMiniType;
  out?: z.ZodMiniType;
  element?: z.ZodMiniType;
  items?: z.ZodMiniType[];
  rest?: z.ZodMiniType | null;
  options?: z.ZodMiniType[];
  left?: z.ZodMiniType;
  right?: z.ZodMiniType;
  valueType?: z.ZodMiniType;
}

const defOf = (schema: z.ZodMiniType) => schema._zod.def as unknown as Def;

/** The path of every object in a schema that lets unknown keys through (dropped or kept). */
function looseObjects(schema: z.ZodMiniType | null | undefined, path: string, out: string[] = []): string[] {
  if (!schema) return out;
  const def = defOf(schema);
  switch (def.type) {
    case 'object':
      if (!def.catchall || defOf(def.catchall).type !== 'never') out.push(path);
      for (const [key, value] of Object.entries(def.shape ?? {})) looseObjects(value, `${path}.${key}`, out);
      break;
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'nonoptional':
    case 'readonly':
    case 'catch':
      looseObjects(def.innerType, path, out);
      break;
    case 'pipe':
      looseObjects(def.in, path, out);
      looseObjects(def.out, path, out);
      break;
    case 'array':
      looseObjects(def.element, `${path}[]`, out);
      break;
    case 'tuple':
      (def.items ?? []).forEach((item, i) => looseObjects(item, `${path}.${i}`, out));
      looseObjects(def.rest, `${path}[]`, out);
      break;
    case 'union':
      (def.options ?? []).forEach((option) => looseObjects(option, path, out));
      break;
    case 'intersection':
      looseObjects(def.left, path, out);
      looseObjects(def.right, path, out);
      break;
    case 'record':
      looseObjects(def.valueType, `${path}.*`, out);
      break;
  }
  return out;
}

describe('request bodies', () => {
  const withBody = routes.filter((r) => r.body !== undefined);

  it('are checked at all', () => {
    expect(withBody.map((r) => r.operationId)).toEqual(
      expect.arrayContaining(['login', 'createUser', 'putSettings', 'patchSettings']),
    );
  });

  it.each(withBody.map((r) => [r.operationId, r] as const))(
    '%s refuses unknown keys at every level',
    (_name, r) => {
      expect(looseObjects(r.body, 'body')).toEqual([]);
    },
  );
});
