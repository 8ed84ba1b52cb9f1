import type { ObjectType } from '../records';
import type { PeeringDbSource } from './source';

/** Records held in memory, one page per type: the demo seed and tests. Types left out are skipped. */
export function memorySource(
  objects: Partial<Record<ObjectType, unknown[]>>,
  description = 'memory',
): PeeringDbSource {
  return {
    description,
    pages(type) {
      const records = objects[type];
      if (!records) return null;
      return (async function* () {
        yield records;
      })();
    },
  };
}
