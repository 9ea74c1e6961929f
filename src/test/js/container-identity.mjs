// An unmodified AWS SDK for JavaScript v3 client, as a pod mutated for EKS Pod Identity runs it:
// credentials from fromHttp, which reads AWS_CONTAINER_CREDENTIALS_FULL_URI and the token file
// AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE from the environment; then GetCallerIdentity against the
// STS endpoint given as the only argument. Prints one JSON line with the caller's ARN and access
// key id, never a secret.
import { fromHttp } from "@aws-sdk/credential-providers";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";

const [stsEndpoint] = process.argv.slice(2);
const credentials = fromHttp({});
try {
  const resolved = await credentials();
  const sts = new STSClient({ region: process.env.AWS_REGION, endpoint: stsEndpoint, credentials: resolved });
  const identity = await sts.send(new GetCallerIdentityCommand({}));
  console.log(JSON.stringify({ arn: identity.Arn, accessKeyId: resolved.accessKeyId }));
} catch (error) {
  console.error(`${error.name}: ${error.message}`);
  process.exit(1);
}
