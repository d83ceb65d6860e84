/**
 * The strict layer's rules for deleting an IAM user (used by strictAws.ts), kept apart from its MFA
 * and session rules.
 *
 * AWS refuses DeleteUser with 409 DeleteConflict while the user still has a console password
 * (login profile), access keys, signing certificates, SSH public keys, service-specific
 * credentials, MFA devices, group memberships, inline or attached policies (the DeleteUser API
 * reference: "you must delete the items attached to the user manually"). moto refuses only for
 * policies and deletes the user with everything else still on it. The layer tracks what passes
 * through it per user and refuses DeleteUser as AWS does; policies it leaves to moto.
 *
 * moto has no service-specific credentials (CodeCommit, Keyspaces passwords) at all: the layer
 * serves Create/List/Delete for them itself, a stand-in with IAM's answer shapes, so that teardown's
 * ListServiceSpecificCredentials is answered as on AWS and a created one blocks DeleteUser.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { recordSecret } from './secretRegistry.js';

export interface DeletionRefusal {
  status: number;
  code: string;
  message: string;
}

/**
 * AWS's messages, as its API returns them (quoted in public reports: rebuy-de/aws-nuke issues 281,
 * 470, 522 and 671, cloud-custodian issue 1663, mozilla-services/userplex issue 17).
 */
export const DELETE_CONFLICT = {
  loginProfile: 'Cannot delete entity, must delete login profile first.',
  accessKeys: 'Cannot delete entity, must delete access keys first.',
  mfa: 'Cannot delete entity, must delete MFA device first.',
  certificates: 'Cannot delete entity, must delete certificates first.',
  groups: 'Cannot delete entity, must remove users from group first.',
  referenced: 'Cannot delete entity, must remove referenced objects first.',
} as const;

interface ServiceCredential {
  id: string;
  serviceName: string;
  serviceUserName: string;
  created: string;
  status: string;
}

interface UserHoldings {
  loginProfile: boolean;
  accessKeys: Set<string>;
  mfaDevices: Set<string>;
  certificates: Set<string>;
  sshKeys: Set<string>;
  groups: Set<string>;
  serviceCredentials: Map<string, ServiceCredential>;
}

const NS = 'https://iam.amazonaws.com/doc/2010-05-08/';

function xmlField(xml: string, name: string): string | undefined {
  return new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function credentialXml(user: string, c: ServiceCredential, password?: string): string {
  return (
    `<UserName>${escape(user)}</UserName><Status>${c.status}</Status><ServiceUserName>${escape(c.serviceUserName)}</ServiceUserName>` +
    `<CreateDate>${c.created}</CreateDate><ServiceSpecificCredentialId>${c.id}</ServiceSpecificCredentialId><ServiceName>${escape(c.serviceName)}</ServiceName>` +
    (password ? `<ServicePassword>${escape(password)}</ServicePassword>` : '')
  );
}

export class UserDeletionRules {
  /** `account:user name` → what DeleteUser wants gone first. */
  private readonly users = new Map<string, UserHoldings>();

  reset(): void {
    this.users.clear();
  }

  private holdings(account: string, user: string): UserHoldings {
    const key = `${account}:${user}`;
    let found = this.users.get(key);
    if (!found) {
      found = { loginProfile: false, accessKeys: new Set(), mfaDevices: new Set(), certificates: new Set(), sshKeys: new Set(), groups: new Set(), serviceCredentials: new Map() };
      this.users.set(key, found);
    }
    return found;
  }

  /** A refusal for DeleteUser while anything AWS wants gone first is still there; else undefined. */
  refuse(action: string, params: URLSearchParams, account: string): DeletionRefusal | undefined {
    if (action !== 'DeleteUser') return undefined;
    const held = this.users.get(`${account}:${params.get('UserName') ?? ''}`);
    if (!held) return undefined;
    const conflict = (message: string) => ({ status: 409, code: 'DeleteConflict', message });
    if (held.loginProfile) return conflict(DELETE_CONFLICT.loginProfile);
    if (held.accessKeys.size) return conflict(DELETE_CONFLICT.accessKeys);
    if (held.mfaDevices.size) return conflict(DELETE_CONFLICT.mfa);
    if (held.certificates.size) return conflict(DELETE_CONFLICT.certificates);
    if (held.groups.size) return conflict(DELETE_CONFLICT.groups);
    if (held.sshKeys.size || held.serviceCredentials.size) return conflict(DELETE_CONFLICT.referenced);
    return undefined;
  }

  /**
   * The service-specific credential actions moto lacks, answered here (a stand-in). Returns the
   * answer, or undefined for any other action. `userExists` says whether IAM knows the user.
   */
  serve(action: string, params: URLSearchParams, account: string, userExists: (name: string) => boolean): { status: number; body: string } | undefined {
    if (!/^(Create|List|Delete|Reset|Update)ServiceSpecificCredentials?$/.test(action)) return undefined;
    const user = params.get('UserName') ?? '';
    const requestId = randomUUID();
    const metadata = `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata>`;
    if (!userExists(user)) {
      return {
        status: 404,
        body: `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>The user with name ${escape(user)} cannot be found.</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
      };
    }
    const held = this.holdings(account, user);
    const wrap = (result: string) => ({ status: 200, body: `<${action}Response xmlns="${NS}">${result ? `<${action}Result>${result}</${action}Result>` : ''}${metadata}</${action}Response>` });
    if (action === 'CreateServiceSpecificCredential') {
      const serviceName = params.get('ServiceName') ?? '';
      const credential: ServiceCredential = {
        id: 'ACCA' + randomBytes(10).toString('hex').toUpperCase().slice(0, 17),
        serviceName,
        serviceUserName: `${user}-at-${account}`,
        created: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        status: 'Active',
      };
      const password = randomBytes(24).toString('base64');
      recordSecret('service-specific password', password);
      held.serviceCredentials.set(credential.id, credential);
      return wrap(`<ServiceSpecificCredential>${credentialXml(user, credential, password)}</ServiceSpecificCredential>`);
    }
    if (action === 'ListServiceSpecificCredentials') {
      const members = [...held.serviceCredentials.values()].map((c) => `<member>${credentialXml(user, c)}</member>`).join('');
      return wrap(`<ServiceSpecificCredentials>${members}</ServiceSpecificCredentials>`);
    }
    if (action === 'DeleteServiceSpecificCredential') {
      const id = params.get('ServiceSpecificCredentialId') ?? '';
      if (!held.serviceCredentials.delete(id)) {
        return {
          status: 404,
          body: `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>No such credential ${escape(id)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
        };
      }
      return wrap('');
    }
    return { status: 400, body: `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>the strict layer does not serve ${action}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>` };
  }

  /** Learns from a successful IAM answer. */
  learn(action: string, params: URLSearchParams, account: string, body: string): void {
    const user = params.get('UserName') ?? xmlField(body, 'UserName') ?? '';
    switch (action) {
      case 'CreateUser':
      case 'DeleteUser':
        this.users.delete(`${account}:${user}`);
        break;
      case 'CreateLoginProfile':
        this.holdings(account, user).loginProfile = true;
        break;
      case 'DeleteLoginProfile':
        this.holdings(account, user).loginProfile = false;
        break;
      case 'CreateAccessKey': {
        const id = xmlField(body, 'AccessKeyId');
        if (id) this.holdings(account, user).accessKeys.add(id);
        break;
      }
      case 'DeleteAccessKey':
        this.holdings(account, user).accessKeys.delete(params.get('AccessKeyId') ?? '');
        break;
      case 'EnableMFADevice':
        this.holdings(account, user).mfaDevices.add(params.get('SerialNumber') ?? '');
        break;
      case 'DeactivateMFADevice':
        this.holdings(account, user).mfaDevices.delete(params.get('SerialNumber') ?? '');
        break;
      case 'UploadSigningCertificate': {
        const id = xmlField(body, 'CertificateId');
        if (id) this.holdings(account, user).certificates.add(id);
        break;
      }
      case 'DeleteSigningCertificate':
        this.holdings(account, user).certificates.delete(params.get('CertificateId') ?? '');
        break;
      case 'UploadSSHPublicKey': {
        const id = xmlField(body, 'SSHPublicKeyId');
        if (id) this.holdings(account, user).sshKeys.add(id);
        break;
      }
      case 'DeleteSSHPublicKey':
        this.holdings(account, user).sshKeys.delete(params.get('SSHPublicKeyId') ?? '');
        break;
      case 'AddUserToGroup':
        this.holdings(account, user).groups.add(params.get('GroupName') ?? '');
        break;
      case 'RemoveUserFromGroup':
        this.holdings(account, user).groups.delete(params.get('GroupName') ?? '');
        break;
      case 'DeleteGroup':
        for (const held of this.users.values()) held.groups.delete(params.get('GroupName') ?? '');
        break;
    }
  }
}
