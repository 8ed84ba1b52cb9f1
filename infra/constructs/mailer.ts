import { Stack } from 'aws-cdk-lib';
import type { IPublicHostedZone } from 'aws-cdk-lib/aws-route53';
import { ConfigurationSet, EmailIdentity, Identity, SuppressionReasons } from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';

export interface MailerProps {
  /** The domain peering mail is sent from (verified with DKIM). */
  emailDomain?: string;
  /** A single address to verify when no domain is known. */
  emailFrom?: string;
  /** The zone of the API; when it is the sending domain, SES writes its DKIM records there. */
  hostedZone?: IPublicHostedZone;
  zoneName?: string;
}

/**
 * The SES side of peering mail: the sending identity and the configuration set every message goes
 * through. Send grants name exactly these two resources; without an identity nothing can be sent.
 */
export class Mailer extends Construct {
  readonly configurationSet: ConfigurationSet;
  readonly identity?: EmailIdentity;
  /** Whether the DKIM records of a domain identity must be published by hand (no zone of ours). */
  readonly dkimByHand: boolean;

  constructor(scope: Construct, id: string, props: MailerProps) {
    super(scope, id);
    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {
      reputationMetrics: true,
      sendingEnabled: true,
      // A peer's address that bounced or complained is not mailed again by accident.
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });

    const inZone = Boolean(props.hostedZone && props.emailDomain === props.zoneName);
    this.dkimByHand = Boolean(props.emailDomain) && !inZone;
    const identity = props.emailDomain
      ? inZone
        ? Identity.publicHostedZone(props.hostedZone!)
        : Identity.domain(props.emailDomain)
      : props.emailFrom
        ? Identity.email(props.emailFrom)
        : undefined;
    if (identity) {
      this.identity = new EmailIdentity(this, 'Identity', {
        identity,
        configurationSet: this.configurationSet,
      });
    }
  }

  get configurationSetName(): string {
    return this.configurationSet.configurationSetName;
  }

  get configurationSetArn(): string {
    return Stack.of(this).formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: this.configurationSetName,
    });
  }

  /** What ses:SendEmail is allowed on: the identity (when there is one) and the configuration set. */
  get sendResourceArns(): string[] {
    return this.identity
      ? [this.identity.emailIdentityArn, this.configurationSetArn]
      : [this.configurationSetArn];
  }
}
