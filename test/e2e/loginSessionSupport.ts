/**
 * Shared set-up for the login_session tests: moto behind the strict layer, the sign-in service
 * stand-in (signinStandIn.ts) reached through AWS_ENDPOINT_URL_SIGNIN (the JS SDK and botocore
 * both honour it), an IAM user `dev` with an access key in moto (the identity the console sign-in
 * stands for), a sandbox whose config has `[profile dev]` with login_session, and the login cache
 * written as `aws login` leaves it.
 */
import { after, before, beforeEach } from 'node:test';
import { appendFileSync, writeFileSync } from 'node:fs';
import { ACCOUNT_ID, type SharedMotoServer } from '../harness/moto.js';
import { makeSandbox, type Sandbox } from '../harness/sandbox.js';
import { runBoto3 } from '../harness/run.js';
import { startSigninStandIn, writeLoginCache, type LoginToken, type SigninStandIn, type UserKey } from '../harness/signinStandIn.js';

export const LOGIN_SESSION = `arn:aws:iam::${ACCOUNT_ID}:user/dev`;
export const USER_ARN = `arn:aws:iam::${ACCOUNT_ID}:user/dev`;

export interface LoginWorld {
  box: Sandbox;
  standIn: SigninStandIn;
  user: UserKey;
  /** Signs in as `aws login --profile dev` would, and writes the cache; `expired` makes the first use refresh. */
  signIn(options?: { expired?: boolean; minutesLeft?: number }): Promise<{ path: string; token: LoginToken }>;
}

/** Creates IAM user `name` with an access key in moto (access control off). */
export async function createUser(box: Sandbox, name: string): Promise<UserKey> {
  return runBoto3<UserKey>(
    `
import boto3, json
iam = boto3.client("iam")
iam.create_user(UserName=${JSON.stringify(name)})
k = iam.create_access_key(UserName=${JSON.stringify(name)})["AccessKey"]
# what aws login needs (the sign-in stand-in refuses a user without it)
iam.attach_user_policy(UserName=${JSON.stringify(name)}, PolicyArn="arn:aws:iam::aws:policy/SignInLocalDevelopmentAccess")
print(json.dumps({"accessKeyId": k["AccessKeyId"], "secretAccessKey": k["SecretAccessKey"]}))
`,
    { env: { ...box.env, AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'bootstrap' } },
  );
}

export function useLoginWorld(moto: SharedMotoServer, set: (world: LoginWorld) => void): void {
  let standIn: SigninStandIn | undefined;
  let box: Sandbox | undefined;
  before(async () => {
    const server = await moto.started();
    standIn = await startSigninStandIn({ stsEndpoint: server.endpoint });
  });
  after(async () => {
    await standIn?.close();
  });
  beforeEach(async () => {
    box?.cleanup();
    standIn!.setExpiresIn(900);
    box = makeSandbox({ endpoint: moto.endpoint, extraEnv: { AWS_ENDPOINT_URL_SIGNIN: standIn!.endpoint } });
    writeFileSync(box.configFile, `[profile dev]\nlogin_session = ${LOGIN_SESSION}\nregion = us-east-1\n`, { mode: 0o600 });
    const user = await createUser(box, 'dev');
    const world: LoginWorld = {
      box,
      standIn: standIn!,
      user,
      async signIn(options = {}) {
        const minutes = options.expired ? -1 : (options.minutesLeft ?? 15);
        const token = await standIn!.signIn({ user, accountId: ACCOUNT_ID, expiresAt: new Date(Date.now() + minutes * 60_000) });
        return { path: writeLoginCache(box!.home, LOGIN_SESSION, token), token };
      },
    };
    set(world);
  });
  after(() => box?.cleanup());
}

/** Adds a profile to the sandbox's config. */
export function addProfile(box: Sandbox, text: string): void {
  appendFileSync(box.configFile, `\n${text.trim()}\n`);
}
