import type { ObjectType } from '../records';
import type { PeeringDbSource, SourceIdentity } from './source';

/** Records held in memory, one page per type: the demo seed and tests. Types left out are skipped. */
export function memorySource(
  objects: Partial<Record<ObjectType, unknown[]>>,
  description = 'memory',
  identity: SourceIdentity = { kind: 'memory', id: description, label: description },
): PeeringDbSource {
  return {
    description,
    identity,
    pages(type) {
      const records = objects[type];
      if (!records) return null;
      return (async function* () {
        yield records;
      })();
    },
  };
}
