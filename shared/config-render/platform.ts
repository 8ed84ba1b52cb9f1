import type { PreparedConfig } from './prepare';

/**
 * Everything that differs from one router platform to the next, in one place. Each platform's file
 * in `platforms/` exports its descriptor, and `platforms/index.ts` lists them, one row each; no other
 * code asks which platform it is dealing with, it asks the descriptor.
 */
export interface PlatformDescriptor {
  /** The platform's name in the API (`platform` of a router, `?platform=` of a render). */
  readonly id: string;
  /** How operators call it. */
  readonly displayName: string;
  /** The platform's BGP neighbor configuration of an already validated config. Pure. */
  readonly render: (config: PreparedConfig) => string;
  /**
   * What the platform accepts as a session password, beyond the character set every platform
   * shares (`PASSWORD_PATTERN`, applied at input). `maxLength` null: anything that pattern allows.
   */
  readonly passwords: { readonly maxLength: number | null };
  /**
   * What a session's own config holds. 'session': that session alone. 'router': the router's whole
   * config, because the platform assigns something once for the whole daemon that a config of one
   * session would replace (GoBGP's global policy assignment).
   */
  readonly scope: 'session' | 'router';
  /**
   * How sessions leave a router of the platform. 'commands': the lines an engineer pastes in the
   * router's configuration mode, from the removed sessions and what stays (a group left empty goes
   * too). 'config': the platform's configuration is a file the daemon reloads, so the removal is the
   * router's whole peerflow-managed config without those sessions.
   */
  readonly removal:
    | {
        readonly kind: 'commands';
        readonly render: (removed: PreparedConfig, remaining: PreparedConfig) => string;
      }
    | { readonly kind: 'config' };
  /**
   * How the platform's own daemon parses a config without starting any session, for the tests that
   * run it on rendered output; null for the vendor platforms, which have no parser to run here.
   */
  readonly check: ConfigCheck | null;
  /**
   * Reserved for how a config reaches a router of this platform (a delivery adapter). Not defined
   * yet: configs are delivered through the `ConfigDelivery` port, the same for every platform.
   */
  readonly delivery?: never;
  /**
   * Reserved for reading a session's state from the router's own output (its BGP summary). Not
   * defined yet.
   */
  readonly state?: never;
}

/** A daemon's config check: run `command` with `args(file)`; the config is accepted on `okExitCode`. */
export interface ConfigCheck {
  /** The executable, looked up on PATH. */
  readonly command: string;
  /** Its arguments to parse `file` and exit. */
  readonly args: (file: string) => string[];
  /** The exit status of a config the daemon accepts. */
  readonly okExitCode: number;
  /**
   * The operator's part, not peerflow's: minimal definitions of the named policies that the daemon
   * needs around a rendered config to accept it (peerflow only references the operator's policies).
   * Absent when the daemon parses a config without them.
   */
  readonly operatorPolicies?: (names: readonly string[]) => { before: string; after: string };
  /** How the syntax declares things, so a check can count what a config holds (global regexps). */
  readonly declares: {
    /** A peer group's declaration; its first capture is the group's name. */
    readonly group: RegExp;
    /** A neighbor's declaration; its first capture is the neighbor's address. */
    readonly neighbor: RegExp;
    /** Any line that opens a neighbor, whatever follows: one not matched by `neighbor` was smuggled. */
    readonly anyNeighbor: RegExp;
    /** How many lines per neighbor `anyNeighbor` matches. */
    readonly anyNeighborLines: number;
  };
}

/** A platform's descriptor, with its literal types kept (its id, whether it has a check). */
export function definePlatform<const D extends PlatformDescriptor>(descriptor: D): D {
  return descriptor;
}
