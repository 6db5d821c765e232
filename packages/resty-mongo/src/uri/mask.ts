/**
 * A connection string fit to quote in an error: cosocket's `maskUrl` masks the password of the
 * user info; a MongoDB string may hold two more secrets, as option values.
 */
import { maskUrl } from 'cosocket';

const SECRET_OPTIONS = /([?&](?:proxyPassword|tlsCertificateKeyFilePassword)=)[^&]*/gi;
// An AWS session token among the authMechanismProperties (`AWS_SESSION_TOKEN:...`, ":" maybe %3A).
const SECRET_PROPERTIES = /(AWS_SESSION_TOKEN(?::|%3A))[^,&]*/gi;

export function maskConnectionString(uri: string): string {
  return maskUrl(uri).replace(SECRET_OPTIONS, '$1****').replace(SECRET_PROPERTIES, '$1****');
}
