import { config } from '../../platform/config';
import { folderSource } from './folder-source';
import { httpSource } from './http-source';
import type { PeeringDbSource } from './source';

/** The PeeringDB source of this deployment: the API (key from config), or a folder given as a file: URL. */
export function configuredSource(apiKey?: string): PeeringDbSource {
  const { PEERINGDB_URL } = config();
  if (PEERINGDB_URL.startsWith('file:')) return folderSource(new URL(PEERINGDB_URL).pathname);
  return httpSource({ url: PEERINGDB_URL, ...(apiKey ? { apiKey } : {}) });
}
