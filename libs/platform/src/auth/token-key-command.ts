import { z } from 'zod';
import { KeyRepository, newKeySet, rotateKeySet } from './key-repository';

export interface TokenKeyCommandIo {
  stdin: AsyncIterable<Buffer | string> | Iterable<Buffer | string>;
  stdout: { write(text: string): unknown };
}

const secretSchema = z
  .object({
    apiVersion: z.literal('v1'),
    kind: z.literal('Secret'),
    metadata: z.object({ name: z.string() }).passthrough(),
    data: z.record(z.string(), z.string()).default({}),
  })
  .passthrough();

type SecretManifest = z.infer<typeof secretSchema>;

const USAGE =
  'usage: setup-keys|rotate-keys [--max-active-keys N] [--secret-json] [--secret-name NAME]\n' +
  '  without --secret-json: on the folder TOKEN_KEY_REPOSITORY\n' +
  '  setup-keys --secret-json: prints a new Secret for `kubectl create -f -`\n' +
  '  rotate-keys --secret-json: reads a Secret (kubectl get -o json), prints it rotated for `kubectl replace -f -`';

/**
 * keystone-manage fernet_setup and fernet_rotate. On one machine they work on the key folder; on
 * Kubernetes the keys live in a Secret that every pod mounts, so they transform the Secret's JSON
 * from stdin to stdout: `kubectl replace` then refuses the write if someone changed the Secret
 * in between (resourceVersion), instead of losing their keys. Returns false for other commands.
 */
export async function runTokenKeyCommand(
  argv: string[],
  keyRepository: string,
  io: TokenKeyCommandIo = { stdin: process.stdin, stdout: process.stdout },
): Promise<boolean> {
  const [command, ...rest] = argv;
  if (command !== 'setup-keys' && command !== 'rotate-keys') return false;
  const options = parseOptions(rest);
  if (!options.secretJson) {
    if (command === 'setup-keys') KeyRepository.ensure(keyRepository);
    else KeyRepository.rotate(keyRepository, options.maxActiveKeys);
    io.stdout.write(`${command}: done in ${keyRepository}\n`);
    return true;
  }
  if (command === 'setup-keys') {
    io.stdout.write(JSON.stringify(secretWith(newKeySet(), options.secretName), null, 2) + '\n');
    return true;
  }
  const secret = await readSecret(io.stdin);
  const rotated = rotateKeySet(keysOf(secret), options.maxActiveKeys);
  io.stdout.write(JSON.stringify(withKeys(secret, rotated), null, 2) + '\n');
  return true;
}

function parseOptions(args: string[]): { maxActiveKeys: number; secretJson: boolean; secretName: string } {
  const options = { maxActiveKeys: 3, secretJson: false, secretName: 'stratus-token-keys' };
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--secret-json') options.secretJson = true;
    else if (args[i] === '--max-active-keys' && /^\d+$/.test(args[i + 1] ?? ''))
      options.maxActiveKeys = Number(args[++i]);
    else if (args[i] === '--secret-name' && args[i + 1]) options.secretName = args[++i];
    else throw new Error(`unexpected argument ${args[i]}\n${USAGE}`);
  }
  return options;
}

async function readSecret(stdin: TokenKeyCommandIo['stdin']): Promise<SecretManifest> {
  let text = '';
  for await (const chunk of stdin) text += chunk.toString();
  const parsed = secretSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`stdin is not a Secret: ${parsed.error.issues[0]?.message}\n${USAGE}`);
  return parsed.data;
}

function keysOf(secret: SecretManifest): Map<number, string> {
  return new Map(
    Object.entries(secret.data)
      .filter(([name]) => /^\d+$/.test(name))
      .map(([name, value]) => [Number(name), Buffer.from(value, 'base64').toString('utf8')]),
  );
}

/** The same Secret (name, resourceVersion, labels) with its key entries replaced. */
function withKeys(secret: SecretManifest, keys: Map<number, string>): SecretManifest {
  const others = Object.entries(secret.data).filter(([name]) => !/^\d+$/.test(name));
  const metadata = { ...secret.metadata };
  delete metadata.managedFields;
  return { ...secret, metadata, data: { ...Object.fromEntries(others), ...encode(keys) } };
}

function secretWith(keys: Map<number, string>, name: string): SecretManifest {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name }, type: 'Opaque', data: encode(keys) };
}

function encode(keys: Map<number, string>): Record<string, string> {
  return Object.fromEntries(
    [...keys]
      .sort(([a], [b]) => a - b)
      .map(([index, key]) => [String(index), Buffer.from(key).toString('base64')]),
  );
}
