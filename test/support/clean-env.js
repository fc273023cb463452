/**
 * Every test file starts from the same environment whatever the developer's shell holds: the
 * variables through which a person gives jhm secrets, keys and cloud credentials (the README's
 * quick start sets some of them) are removed. What points the tests at outside files
 * (`JHM_CHARTS_DIR`, `JHM_SHARED_DIR`) stays: `.ci/run` sets it.
 */
const PERSONAL = /^(JHM_GITHUB_CLIENT_SECRET|JHM_TERRAFORM|JHM_KUBECTL|JHM_HELM|JHM_CACHE_DIR|JHM_OFFLINE|JHM_ALLOW_REPLACE|SOPS_AGE_KEY|SOPS_AGE_KEY_FILE|OS_.*|KUBECONFIG)$/;
for (const name of Object.keys(process.env)) if (PERSONAL.test(name)) delete process.env[name];
