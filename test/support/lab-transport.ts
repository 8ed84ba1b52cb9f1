import type { DeviceTransport } from '../../shared/devices';
import type { Lab } from './lab';

/**
 * A management transport to a lab's router host that runs each command with `sh -c` inside the
 * router's namespace.
 */
export async function routerTransport(lab: Lab): Promise<DeviceTransport> {
  return {
    async exec(command, options = {}) {
      const result = await lab.run(lab.router.namespace, ['sh', '-c', command], options);
      return { command, ...result };
    },
    async close() {},
  };
}
