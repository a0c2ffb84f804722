//! Router assembly; each submodule holds the handlers of one group of resources.

mod badges;
mod body;
mod environments;
mod index;
mod integrations;
mod labels;
mod matrix;
mod pact_diff;
mod pacticipants;
mod pacts;
mod provider_contracts;
mod publish;
mod ui;
mod usage;
mod verification;
mod webhooks;

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post, put};

use crate::AppState;

pub(crate) use publish::LARGE_AT_ONCE;

pub(crate) fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/", get(index::index))
        .route("/diagnostic/status/heartbeat", get(index::heartbeat))
        .route("/diagnostic/status/dependencies", get(index::dependencies))
        .route(
            "/contracts/publish",
            post(publish::publish_contracts).layer(axum::middleware::from_fn(publish::large_ones_in_turn)),
        )
        .route(
            "/provider-contracts/provider/{p}/publish",
            post(provider_contracts::publish).layer(axum::middleware::from_fn(publish::large_ones_in_turn)),
        )
        .route(
            "/contracts/provider/{p}/version/{v}",
            get(provider_contracts::show).merge(
                put(provider_contracts::put).layer(axum::middleware::from_fn(publish::large_ones_in_turn)),
            ),
        )
        .route(
            "/contracts/provider/{p}/version/{v}/consumer/{c}/pact-version/{sha}",
            get(provider_contracts::comparison),
        )
        .route(
            "/pacticipants",
            get(pacticipants::list).post(pacticipants::create),
        )
        .route(
            "/pacticipants/{p}",
            get(pacticipants::show)
                .patch(pacticipants::patch)
                .put(pacticipants::replace)
                .delete(pacticipants::delete),
        )
        .route("/pacticipants/{p}/versions", get(pacticipants::versions))
        .route(
            "/pacticipants/{p}/labels/{l}",
            get(labels::show).put(labels::put).delete(labels::delete),
        )
        .route("/pacticipants/label/{l}", get(labels::pacticipants))
        .route("/labels", get(labels::list))
        .route(
            "/pacticipants/{p}/versions/{v}",
            get(pacticipants::version)
                .put(pacticipants::put_version)
                .patch(pacticipants::put_version)
                .delete(pacticipants::delete_version),
        )
        .route(
            "/pacticipants/{p}/latest-version",
            get(pacticipants::latest_version),
        )
        .route(
            "/pacticipants/{p}/latest-version/{tag}",
            get(pacticipants::latest_tagged_version),
        )
        .route("/pacticipants/{p}/branches", get(pacticipants::branches))
        .route(
            "/pacticipants/{p}/branches/{b}",
            get(pacticipants::branch).delete(pacticipants::delete_branch),
        )
        .route(
            "/pacticipants/{p}/branches/{b}/versions/{v}",
            get(pacticipants::branch_version).put(pacticipants::put_branch_version),
        )
        .route(
            "/pacticipants/{p}/versions/{v}/tags/{t}",
            get(pacticipants::tag)
                .put(pacticipants::put_tag)
                .delete(pacticipants::delete_tag),
        )
        .route(
            "/pacticipants/{p}/versions/{v}/deployed-versions/environment/{e}",
            post(environments::record_deployment),
        )
        .route(
            "/pacticipants/{p}/versions/{v}/released-versions/environment/{e}",
            post(environments::record_release),
        )
        .route(
            "/environments",
            get(environments::list).post(environments::create),
        )
        .route(
            "/environments/{e}",
            get(environments::show)
                .put(environments::update)
                .delete(environments::delete),
        )
        .route(
            "/environments/{e}/deployed-versions/currently-deployed",
            get(environments::currently_deployed),
        )
        .route(
            "/environments/{e}/released-versions/currently-supported",
            get(environments::currently_supported),
        )
        .route(
            "/deployed-versions/{id}",
            get(environments::deployed).patch(environments::patch_deployed),
        )
        .route(
            "/released-versions/{id}",
            get(environments::released).patch(environments::patch_released),
        )
        .route("/pacts/latest", get(pacts::latest_pacts))
        .route("/pacts/provider/{p}", pacts::list(pacts::PactList::All))
        .route("/pacts/provider/{p}/latest", pacts::list(pacts::PactList::Latest))
        .route(
            "/pacts/provider/{p}/latest/{tag}",
            pacts::list(pacts::PactList::LatestWithTag),
        )
        .route(
            "/pacts/provider/{p}/tag/{tag}",
            pacts::list(pacts::PactList::WithTag),
        )
        .route(
            "/pacts/provider/{p}/branch",
            pacts::list(pacts::PactList::MainBranch),
        )
        .route(
            "/pacts/provider/{p}/branch/latest",
            pacts::list(pacts::PactList::LatestMainBranch),
        )
        .route(
            "/pacts/provider/{p}/branch/{b}",
            pacts::list(pacts::PactList::WithBranch),
        )
        .route(
            "/pacts/provider/{p}/branch/{b}/latest",
            pacts::list(pacts::PactList::LatestWithBranch),
        )
        .route(
            "/pacts/provider/{p}/consumer/{c}/tag/{tag}",
            pacts::list(pacts::PactList::PairWithTag).delete(pacts::delete_with_tag),
        )
        .route(
            "/pacts/provider/{p}/consumer/{c}/branch",
            pacts::list(pacts::PactList::PairMainBranch),
        )
        .route(
            "/pacts/provider/{p}/consumer/{c}/branch/latest",
            pacts::list(pacts::PactList::PairLatestMainBranch),
        )
        .route(
            "/pacts/provider/{p}/consumer/{c}/branch/{b}",
            pacts::list(pacts::PactList::PairWithBranch).delete(pacts::delete_on_branch),
        )
        .route(
            "/pacts/provider/{p}/for-verification",
            get(verification::for_verification_get).post(verification::for_verification),
        )
        .route(
            "/pacts/provider/{p}/consumer/{c}/version/{v}",
            get(pacts::by_version).delete(pacts::delete_by_version).merge(
                put(publish::put_pact)
                    .patch(publish::patch_pact)
                    .layer(axum::middleware::from_fn(publish::large_ones_in_turn)),
            ),
        )
        .route("/pacts/provider/{p}/consumer/{c}/latest", get(pacts::latest))
        .route(
            "/pacts/provider/{p}/consumer/{c}/latest/badge",
            get(badges::latest_pact),
        )
        .route(
            "/pacts/provider/{p}/consumer/{c}/latest/{tag}/badge",
            get(badges::latest_tagged_pact),
        )
        .route(
            "/pacticipants/{p}/branches/{b}/latest-version/can-i-deploy/to-environment/{e}/badge",
            get(badges::can_i_deploy_branch),
        )
        .route(
            "/pacts/provider/{p}/consumer/{c}/latest/{tag}",
            get(pacts::latest_tagged),
        )
        .route(
            "/pacts/provider/{p}/consumer/{c}/branch/{b}/latest",
            get(pacts::latest_for_branch),
        )
        .route(
            "/pacts/provider/{p}/consumer/{c}/pact-version/{sha}",
            get(pacts::by_sha),
        )
        .route(
            "/pacts/provider/{p}/consumer/{c}/version/{v}/diff/previous-distinct",
            get(pact_diff::previous_distinct),
        )
        .route(
            "/pacts/provider/{p}/consumer/{c}/pact-version/{sha}/diff/pact-version/{base}",
            get(pact_diff::between_contents),
        )
        .route(
            "/ui/pacts/provider/{p}/consumer/{c}/pact-version/{sha}/verification-results/{id}",
            get(ui::verification_result),
        )
        .route(
            "/ui/pacts/provider/{p}/consumer/{c}/version/{v}/diff/previous-distinct",
            get(ui::diff_previous_distinct),
        )
        .route(
            "/ui/pacts/provider/{p}/consumer/{c}/pact-version/{sha}/diff/pact-version/{base}",
            get(ui::diff_between_contents),
        )
        .route(
            "/pacts/provider/{p}/consumer/{c}/pact-version/{sha}/metadata/{meta}",
            get(pacts::by_sha_with_metadata),
        )
        .route(
            "/pacts/provider/{p}/consumer/{c}/pact-version/{sha}/verification-results",
            post(verification::publish_result).layer(axum::middleware::from_fn(publish::large_ones_in_turn)),
        )
        .route(
            "/pacts/provider/{p}/consumer/{c}/pact-version/{sha}/metadata/{meta}/verification-results",
            post(verification::publish_result_with_metadata)
                .layer(axum::middleware::from_fn(publish::large_ones_in_turn)),
        )
        .route(
            "/pacts/provider/{p}/consumer/{c}/pact-version/{sha}/verification-results/{n}",
            get(verification::show_result),
        )
        .route("/webhooks", get(webhooks::list).post(webhooks::create))
        .route(
            "/webhooks/{uuid}",
            get(webhooks::show).put(webhooks::put).delete(webhooks::delete),
        )
        .route("/webhooks/execute", post(webhooks::execute_unsaved))
        .route("/webhooks/{uuid}/execute", post(webhooks::execute))
        .route(
            "/pacts/provider/{p}/consumer/{c}/webhooks",
            get(webhooks::list_for_pact),
        )
        .route("/webhooks/{uuid}/deliveries", get(webhooks::deliveries))
        .route(
            "/webhooks/provider/{p}/consumer/{c}",
            get(webhooks::list_for_pair).post(webhooks::create_for_pair),
        )
        .route(
            "/webhooks/provider/{p}",
            get(webhooks::list_for_provider).post(webhooks::create_for_provider),
        )
        .route(
            "/webhooks/consumer/{c}",
            get(webhooks::list_for_consumer).post(webhooks::create_for_consumer),
        )
        .route("/integrations", get(integrations::list))
        .route(
            "/integrations/provider/{p}/consumer/{c}",
            axum::routing::delete(integrations::delete),
        )
        .route("/metrics", get(integrations::metrics))
        .route("/ui", get(ui::index))
        .route("/ui/pacts/provider/{p}/consumer/{c}", get(ui::pact))
        .route("/ui/pacticipants/{p}", get(ui::pacticipant))
        .route("/ui/matrix", get(ui::matrix))
        .route("/ui/network", get(ui::network))
        .route("/ui/deployments", get(ui::deployments))
        .route("/ui/webhooks", get(ui::webhooks))
        .route("/ui/webhooks/{uuid}", get(ui::webhook))
        .route("/ui/pacticipants/{p}/webhooks", get(ui::application_webhooks))
        .route("/ui/can-i-deploy", get(ui::can_i_deploy))
        .route(
            "/ui/provider-contracts/provider/{p}/version/{v}",
            get(ui::provider_contract),
        )
        .route("/ui/pacticipants/{p}/fields", get(usage::page))
        .route("/pacts/provider/{p}/field-usage", get(usage::field_usage))
        .route("/pacts/provider/{p}/provider-states", get(usage::provider_states))
        .route("/matrix", get(matrix::matrix))
        .route("/can-i-deploy", get(matrix::can_i_deploy))
}
