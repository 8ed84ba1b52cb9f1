import { renderAristaEos } from './platforms/arista-eos';
import { renderBird2 } from './platforms/bird2';
import { renderCiscoIos } from './platforms/cisco-ios';
import { renderCiscoIosxr } from './platforms/cisco-iosxr';
import { renderFrr } from './platforms/frr';
import { renderGobgp } from './platforms/gobgp';
import { renderJunos } from './platforms/junos';
import { renderOpenbgpd } from './platforms/openbgpd';
import {
  type Platform,
  passwordLimit,
  type PreparedConfig,
  prepare,
  type RenderRouter,
  type RenderSession,
  RenderError,
} from './prepare';

const RENDERERS: Record<Platform, (c: PreparedConfig) => string> = {
  'cisco-ios': renderCiscoIos,
  'cisco-iosxr': renderCiscoIosxr,
  junos: renderJunos,
  'arista-eos': renderAristaEos,
  bird2: renderBird2,
  frr: renderFrr,
  openbgpd: renderOpenbgpd,
  gobgp: renderGobgp,
};

/** The BGP neighbor configuration of `sessions` on `router`, in `platform` syntax. Pure. */
export function render(platform: Platform, router: RenderRouter, sessions: readonly RenderSession[]): string {
  for (const s of sessions) {
    const refused = s.password === null ? null : passwordLimit(platform, s.password);
    if (refused) throw new RenderError(`the password of ${s.peer_ipaddr}: ${refused}`);
  }
  return RENDERERS[platform](prepare(router, sessions));
}
