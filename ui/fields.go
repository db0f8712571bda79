package ui

import "mizan/core"

// credentialText is a platform's credential field's label and help in the merchant's language;
// a field Mizan has no words for keeps the platform's own.
func credentialText(platform string, c core.CredentialField) (string, string) {
	label, help := c.Label, c.Help
	switch platform + "/" + c.Key {
	case "salla/access_token":
		return tr("cred.salla.access_token.label", label), tr("cred.salla.access_token.help", help)
	case "salla/refresh_token":
		return tr("cred.salla.refresh_token.label", label), tr("cred.salla.refresh_token.help", help)
	case "salla/expires_at":
		return tr("cred.salla.expires_at.label", label), tr("cred.salla.expires_at.help", help)
	case "salla/client_id":
		return tr("cred.salla.client_id.label", label), tr("cred.salla.client_id.help", help)
	case "salla/client_secret":
		return tr("cred.salla.client_secret.label", label), tr("cred.salla.client_secret.help", help)
	case "shopify/access_token":
		return tr("cred.shopify.access_token.label", label), tr("cred.shopify.access_token.help", help)
	case "shopify/client_id":
		return tr("cred.shopify.client_id.label", label), tr("cred.shopify.client_id.help", help)
	case "shopify/client_secret":
		return tr("cred.shopify.client_secret.label", label), tr("cred.shopify.client_secret.help", help)
	case "zid/access_token":
		return tr("cred.zid.access_token.label", label), tr("cred.zid.access_token.help", help)
	case "zid/authorization":
		return tr("cred.zid.authorization.label", label), tr("cred.zid.authorization.help", help)
	case "zid/redirect_uri":
		return tr("cred.zid.redirect_uri.label", label), tr("cred.zid.redirect_uri.help", help)
	case "zid/refresh_token":
		return tr("cred.zid.refresh_token.label", label), tr("cred.zid.refresh_token.help", help)
	case "zid/expires_at":
		return tr("cred.zid.expires_at.label", label), tr("cred.zid.expires_at.help", help)
	case "zid/client_id":
		return tr("cred.zid.client_id.label", label), tr("cred.zid.client_id.help", help)
	case "zid/client_secret":
		return tr("cred.zid.client_secret.label", label), tr("cred.zid.client_secret.help", help)
	case "woocommerce/consumer_key":
		return tr("cred.woocommerce.consumer_key.label", label), tr("cred.woocommerce.consumer_key.help", help)
	case "woocommerce/consumer_secret":
		return tr("cred.woocommerce.consumer_secret.label", label), tr("cred.woocommerce.consumer_secret.help", help)
	}
	return label, help
}

// optionText is a platform's option field's label and help in the merchant's language; an
// option Mizan has no words for keeps the platform's own.
func optionText(platform string, o core.OptionField) (string, string) {
	label, help := o.Label, o.Help
	switch platform + "/" + o.Key {
	case "salla/branch":
		return tr("option.salla.branch.label", label), tr("option.salla.branch.help", help)
	case "salla/restock_credit_notes":
		return tr("option.salla.restock_credit_notes.label", label), tr("option.salla.restock_credit_notes.help", help)
	case "shopify/api_version":
		return tr("option.shopify.api_version.label", label), tr("option.shopify.api_version.help", help)
	case "shopify/location_id":
		return tr("option.shopify.location_id.label", label), tr("option.shopify.location_id.help", help)
	case "shopify/bulk_threshold":
		return tr("option.shopify.bulk_threshold.label", label), tr("option.shopify.bulk_threshold.help", help)
	case "zid/location":
		return tr("option.zid.location.label", label), tr("option.zid.location.help", help)
	case "zid/store_id":
		return tr("option.zid.store_id.label", label), tr("option.zid.store_id.help", help)
	case "woocommerce/restock_refunds":
		return tr("option.woocommerce.restock_refunds.label", label), tr("option.woocommerce.restock_refunds.help", help)
	}
	return label, help
}
