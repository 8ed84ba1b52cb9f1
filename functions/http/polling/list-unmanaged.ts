import { listUnmanaged, listUnmanagedRoute } from '../../../shared/polling';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(listUnmanagedRoute, async ({ params }) => listUnmanaged(params.id));
