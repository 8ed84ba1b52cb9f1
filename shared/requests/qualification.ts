import { DomainError } from '../platform/errors';
import { qualify } from '../peers';
import type { Settings } from '../settings';
import type { RequestDeps } from './dependencies';
import type { PeerContext } from './prepare';

/** The verdict at one exchange of a request, as GET /exchanges/{public_id}/peers shows it there. */
export interface ExchangeVerdict {
  public_id: number;
  qualified: boolean;
  reasons: string[];
}

/**
 * The verdict on a request: qualified only when the peer qualifies at every exchange it covers. The
 * reasons are those of the exchanges that decide it (the ones where it does not qualify, else all of
 * them), each once, in exchange order; `exchanges` keeps every exchange's own verdict.
 */
export interface RequestQualification {
  qualified: boolean;
  reasons: string[];
  exchanges: ExchangeVerdict[];
}

/** The peer's verdict at each exchange of the request: the rules, the exchange's route servers and any override there. */
export async function requestQualification(
  deps: RequestDeps,
  settings: Settings,
  ctx: PeerContext,
): Promise<RequestQualification> {
  const exchanges = await Promise.all(
    ctx.exchanges.map(async (x): Promise<ExchangeVerdict> => {
      const routeServerAsns = await deps.peeringDb.getRouteServerAsns(x.public_id);
      const verdict = qualify(
        ctx.peer,
        ctx.contacts,
        settings.qualification,
        ctx.states.get(x.public_id)?.qualification_override,
        { ownAsn: settings.source_asn, routeServerAsns: new Set(routeServerAsns) },
      );
      return { public_id: x.public_id, qualified: verdict.qualified, reasons: verdict.reasons };
    }),
  );
  const failing = exchanges.filter((x) => !x.qualified);
  const deciding = failing.length > 0 ? failing : exchanges;
  return {
    qualified: failing.length === 0,
    reasons: [...new Set(deciding.flatMap((x) => x.reasons))],
    exchanges,
  };
}

/** A request to a peer our rules disqualify, sent without `force`: nothing is sent or stored. */
export class NotQualifiedError extends DomainError {
  constructor(ctx: PeerContext, qualification: RequestQualification) {
    const names = new Map(ctx.exchanges.map((x) => [x.public_id, x.public_name]));
    const name = (publicId: number) => names.get(publicId) ?? `exchange ${publicId}`;
    const failing = qualification.exchanges.filter((x) => !x.qualified);
    super(
      'conflict',
      'not_qualified',
      `${ctx.peer.name} (AS${ctx.peer.asn}) does not qualify under our rules at ` +
        `${failing.map((x) => name(x.public_id)).join(', ')}; send with force: true to send it anyway`,
      {
        // Every reason of the verdict, the failed rules first, so the refusal explains itself.
        details: failing.flatMap((x) =>
          x.reasons.map((reason) => ({
            path: 'body.peer_participant_id',
            message: `${name(x.public_id)}: ${reason}`,
          })),
        ),
      },
    );
  }
}
