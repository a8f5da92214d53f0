// The embedded defaults of `wpslink start`: like Azurite's devstoreaccount1, a resource whose
// keys are well known so samples and tests can hard-wire them. Never use them outside a machine
// of your own.

export const wellKnownSubscriptionId = "00000000-0000-0000-0000-000000000000";
export const defaultResourceGroup = "wpslink";
export const defaultResourceName = "wpslink";
/** 44 characters like an Azure access key; HMAC uses its UTF-8 bytes. */
export const wellKnownPrimaryKey = "d3BzbGluay1wcmltYXJ5LWtleS0wMDAwMDAwMDAwMDA=";
export const wellKnownSecondaryKey = "d3BzbGluay1zZWNvbmRhcnkta2V5LTAwMDAwMDAwMDA=";
export const defaultLocation = "eastus";
