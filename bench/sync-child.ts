import { folderSource } from '../shared/peeringdb';
import { syncPeeringDb } from '../shared/app/peeringdb-sync';

/**
 * One sync run in a process of its own, so its peak memory is the sync's alone. The parent sets
 * DDB_ENDPOINT and TABLE_NAME; the report and the peak RSS come back as one JSON line.
 */
const [folder, mode] = process.argv.slice(2) as [string, 'full' | 'incremental'];
const started = performance.now();
const report = await syncPeeringDb({ source: folderSource(folder), mode, trigger: 'bench' });
const wallMs = performance.now() - started;
// resourceUsage().maxRSS is the process's peak resident set, in kilobytes.
console.log(JSON.stringify({ report, wallMs, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
