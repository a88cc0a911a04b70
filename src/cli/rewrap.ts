import { loadConfigOrExit } from '../config/env.ts';
import { MasterKeyError } from '../crypto/master-key.ts';
import { rewrapSecrets } from './rewrap-secrets.ts';

/**
 * `npm run rewrap-secrets`: master-key rotation. Reads the current key (ODOCK_MASTER_KEY, or the
 * embedded data-directory key) and ODOCK_NEW_MASTER_KEY (embedded mode generates one when unset),
 * and re-wraps every stored secret under the new key in one transaction.
 */
async function main(): Promise<number> {
  const config = loadConfigOrExit();
  try {
    const r = await rewrapSecrets(config);
    const c = r.counts;
    console.log(`Re-wrapped ${r.total} stored secrets from master key id ${r.fromKeyId} to ${r.toKeyId}:`);
    console.log(`  provider keys ${c.providerKeys}, MCP auth ${c.mcpAuth}, MCP env ${c.mcpEnv}, unrevealed API keys ${c.pendingApiKeys}, webhook secrets ${c.webhookSecrets}, canary ${c.canary}`);
    if (r.keyFile) console.log(`  the new key is in ${r.keyFile}; restart Odock to use it.`);
    else console.log('  now set ODOCK_MASTER_KEY to the new key on every instance and restart them; the old key no longer opens anything.');
    return 0;
  } catch (e) {
    if (e instanceof MasterKeyError) {
      console.error(`Cannot re-wrap: ${e.message}`);
      return 2;
    }
    console.error(`Cannot re-wrap: ${(e as Error).message}`);
    return 1;
  }
}

main().then((code) => process.exit(code), (e) => {
  console.error(e);
  process.exit(1);
});
