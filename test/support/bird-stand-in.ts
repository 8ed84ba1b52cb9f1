import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeliveryPorts } from '../../shared/deployments';
import { deviceDriver, type DeviceTransport, type NeighborStateName } from '../../shared/devices';

/**
 * A BIRD router host without BIRD, for the table side of polling: commands run in a real local
 * shell, as an SSH server would run them, and a `birdc` on its PATH prints `show protocols all` as
 * BIRD 2.0.12 prints it (the layout of test/fixtures/daemons/bird-show-protocols-all.txt) for the
 * neighbors the test sets. The real bird2 driver and its parser read it. The lab tests poll real
 * BIRD; this lets the table's behaviour be tested without root.
 */

export interface StandInNeighbor {
  ip: string;
  asn: number;
  state: NeighborStateName;
  /** Routes imported (accepted). */
  imported?: number;
}

const BIRD_STATE: Record<NeighborStateName, [string, string]> = {
  idle: ['start', 'Idle'],
  connect: ['start', 'Connect'],
  active: ['start', 'Active'],
  opensent: ['start', 'OpenSent'],
  openconfirm: ['start', 'OpenConfirm'],
  established: ['up', 'Established'],
  admin_down: ['down', 'Idle'],
};

/** `birdc show protocols all` for these neighbors, in BIRD 2's layout. */
export function birdProtocolsText(neighbors: readonly StandInNeighbor[], localAs = 64500): string {
  const lines = ['BIRD 2.0.12 ready.', 'Name       Proto      Table      State  Since         Info'];
  lines.push('device1    Device     ---        up     21:15:50.809  ', '');
  neighbors.forEach((n, i) => {
    const [proto, bgp] = BIRD_STATE[n.state];
    const v6 = n.ip.includes(':');
    lines.push(
      `peer_${i} BGP        ---        ${proto}  21:16:48.028  ${n.state === 'admin_down' ? '' : bgp}`,
    );
    lines.push(`  BGP state:          ${n.state === 'admin_down' ? 'Down' : bgp}`);
    lines.push(
      `    Neighbor address: ${n.ip}`,
      `    Neighbor AS:      ${n.asn}`,
      `    Local AS:         ${localAs}`,
    );
    lines.push(`  Channel ipv${v6 ? 6 : 4}`);
    lines.push(`    State:          ${n.state === 'established' ? 'UP' : 'DOWN'}`);
    if (n.state === 'established') {
      lines.push(`    Routes:         ${n.imported ?? 0} imported, 0 exported, ${n.imported ?? 0} preferred`);
    }
    lines.push('');
  });
  return `${lines.join('\n')}\n`;
}

export interface BirdStandIn {
  readonly ports: DeliveryPorts;
  set(neighbors: readonly StandInNeighbor[]): void;
  /** The next connections fail as an unreachable host does. */
  unreachable(on: boolean): void;
  /** Seconds `birdc` takes to answer. */
  delay(seconds: number): void;
  /** Device commands run so far. */
  readonly commands: string[];
  close(): void;
}

export function birdStandIn(): BirdStandIn {
  const dir = mkdtempSync(join(tmpdir(), 'peerflow-birdc-'));
  const state = join(dir, 'protocols.txt');
  const birdc = join(dir, 'birdc');
  const commands: string[] = [];
  let down = false;
  const writeBirdc = (seconds: number) => {
    writeFileSync(birdc, `#!/bin/sh\n${seconds > 0 ? `sleep ${seconds}\n` : ''}cat '${state}'\n`);
    chmodSync(birdc, 0o755);
  };
  writeBirdc(0);
  writeFileSync(state, birdProtocolsText([]));
  const transport = (): DeviceTransport => ({
    exec(command, options = {}) {
      commands.push(command);
      return new Promise((done, fail) => {
        const child = spawn('sh', ['-c', command], {
          env: { ...process.env, PATH: `${dir}:${process.env.PATH}` },
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('error', fail);
        // A command that does not read its input may end before it is written, as over SSH.
        child.stdin.on('error', () => undefined);
        child.on('close', (code) => done({ command, exitCode: code ?? 1, stdout, stderr }));
        child.stdin.end(options.input ?? '');
      });
    },
    async close() {},
  });
  return {
    ports: {
      driver: deviceDriver,
      async open() {
        if (down) throw new Error('connect ECONNREFUSED 198.51.100.10:22');
        return transport();
      },
    },
    set(neighbors) {
      writeFileSync(state, birdProtocolsText(neighbors));
    },
    unreachable(on) {
      down = on;
    },
    delay(seconds) {
      writeBirdc(seconds);
    },
    commands,
    close() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
