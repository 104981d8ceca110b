// A spawned gateway in front of the Bedrock stand-in, which meters what it serves into the CloudWatch stand-in the
// gateway reads for its reconciliation (AWS_ENDPOINT_URL_CLOUDWATCH), with static AWS credentials for both.
import { bifrost, type BifrostFile } from '../harness/config-builder.js';
import { removeDir, spawnGateway, tempDir, type SpawnedGateway } from '../harness/gateway.js';
import { startBedrockUpstream, type BedrockUpstream } from '../upstreams/bedrock.js';
import { startCloudWatchStandIn, type CloudWatchStandInOptions, type CloudWatchStandIn } from '../upstreams/cloudwatch.js';

export interface ReconcileRig {
  readonly cloudwatch: CloudWatchStandIn;
  readonly bedrock: BedrockUpstream;
  readonly gw: SpawnedGateway;
  close(): Promise<void>;
}

/** `profiles`: the application inference profiles the Bedrock account has (ARN → the model id it runs). */
export async function startReconcileRig(file: BifrostFile, profiles: Readonly<Record<string, string>>, cloudwatchOptions: CloudWatchStandInOptions = {}): Promise<ReconcileRig> {
  const cloudwatch = await startCloudWatchStandIn(cloudwatchOptions);
  const bedrock = await startBedrockUpstream({ meter: cloudwatch, applicationProfiles: profiles });
  const dir = await tempDir();
  const gw = await spawnGateway({
    dataDir: dir,
    config: bifrost(file),
    env: {
      AWS_ACCESS_KEY_ID: 'AKIDRECONCILE',
      AWS_SECRET_ACCESS_KEY: 'reconcile-secret',
      AWS_ENDPOINT_URL_BEDROCK_RUNTIME: bedrock.url,
      AWS_ENDPOINT_URL_CLOUDWATCH: cloudwatch.url,
    },
  });
  return {
    cloudwatch,
    bedrock,
    gw,
    async close() {
      await gw.stop();
      await bedrock.close();
      await cloudwatch.close();
      await removeDir(dir);
    },
  };
}
