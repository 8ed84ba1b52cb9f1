import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATASET_FILE, folderSource } from '../../shared/peeringdb/sources/folder-source';
import { apiIdentity, httpSource } from '../../shared/peeringdb/sources/http-source';
import { generatedSetIdentity, sameSource } from '../../shared/peeringdb/sources/source';

describe('the identity of a PeeringDB source', () => {
  it('names an API by its root URL: host case, default port, trailing slash, query and credentials aside', () => {
    const plain = apiIdentity('https://www.peeringdb.com/api');
    expect(plain).toEqual({
      kind: 'api',
      id: 'https://www.peeringdb.com/api',
      label: 'https://www.peeringdb.com/api',
    });
    for (const spelling of [
      'https://WWW.PeeringDB.com:443/api/',
      'https://user:secret@www.peeringdb.com/api?depth=0',
    ])
      expect(apiIdentity(spelling)).toEqual(plain);
    expect(httpSource({ url: 'https://www.peeringdb.com/api/', apiKey: 'k' }).identity).toEqual(plain);
    expect(sameSource(plain, apiIdentity('https://mirror.example.net/api'))).toBe(false);
    expect(sameSource(plain, apiIdentity('http://www.peeringdb.com/api'))).toBe(false);
  });

  it('names a folder by its real path, shown by its last name only; a stamped folder by its generated set', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'peerflow-ids-'));
    const saved = path.join(root, 'saved');
    mkdirSync(saved);
    symlinkSync(saved, path.join(root, 'link'));
    const identity = folderSource(saved).identity;
    expect(identity.kind).toBe('folder');
    expect(identity.label).toBe('folder saved');
    expect(folderSource(path.join(root, 'link')).identity).toEqual(identity);

    const changes = path.join(root, 'changes');
    mkdirSync(changes);
    writeFileSync(
      path.join(changes, DATASET_FILE),
      JSON.stringify({ generated: { scale: 'small', seed: 1 } }),
    );
    expect(folderSource(changes).identity).toEqual(generatedSetIdentity('small', 1));
    expect(generatedSetIdentity('small', 1).label).toBe('the generated small set (seed 1)');
  });
});
