/**
 * Where the store passwords come from. In Lambda, {@link dev.mtlscli.runtime.secrets.PasswordProviders#forLambda}
 * picks AWS's Parameters and Secrets extension ({@link dev.mtlscli.runtime.secrets.ExtensionPasswords},
 * no AWS SDK class loaded) when the function has it, else the SDK's SSM client
 * ({@link dev.mtlscli.runtime.secrets.SsmPasswords}), which is an optional dependency that such a
 * function declares itself. Environment variables ({@link dev.mtlscli.runtime.secrets.EnvironmentPasswords})
 * are used only when a caller opts in explicitly.
 */
package dev.mtlscli.runtime.secrets;
