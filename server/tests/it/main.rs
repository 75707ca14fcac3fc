//! The server's integration tests, one module per story: each starts real servers
//! on free loopback ports and drives them with native clients of `nim-protocol`.
//! The `cluster_*` modules, and the `on_a_cluster` runs of the stories written for
//! both backends (`on_both_backends!`), need PostgreSQL and Redis: they are
//! `#[ignore]`d, and `scripts/test-cluster.sh` starts both and runs them with
//! `--include-ignored`; run without the services they fail.

/// Runs the story `$name(nodes: Nodes)` twice: `on_one_node`, and `on_a_cluster`
/// of two nodes (ignored unless run by `scripts/test-cluster.sh`), the app under `$policy`,
/// each configuration changed by `$adjust` (a `fn(&mut Config)`) when given.
macro_rules! on_both_backends {
    ($name:ident, $policy:expr) => {
        on_both_backends!($name, $policy, |_| {});
    };
    ($name:ident, $policy:expr, $adjust:expr) => {
        mod $name {
            use super::*;

            #[tokio::test]
            async fn on_one_node() {
                super::$name(crate::cluster::Nodes::one($policy, $adjust).await).await
            }

            #[tokio::test]
            #[ignore = "needs PostgreSQL and Redis: scripts/test-cluster.sh runs it"]
            async fn on_a_cluster() {
                super::$name(crate::cluster::Nodes::cluster($policy, $adjust).await).await
            }
        }
    };
}

mod cluster;
mod common;

mod auto_relogin_gets_417;
mod backends_that_never_answer_stop_the_start;
mod bad_input_is_answered_not_crashed;
mod block_with_needkick_kicks_every_device;
mod cluster_devices_see_each_other_across_nodes;
mod cluster_fault_node_cut_off_past_its_lease;
mod cluster_fault_postgres_down;
mod cluster_fault_redis_restarts_empty;
mod cluster_fault_redis_unreachable;
mod cluster_kicks_and_policies_across_nodes;
mod cluster_login_limits_hold_across_nodes;
mod cluster_node_death_removes_its_devices;
mod cluster_server_api_is_shared;
mod cluster_single_slot_is_decided_once;
mod command_line_contract;
mod connection_limits;
mod dev_mode_token_and_cors;
mod heartbeat_expiry_removes_device;
mod hostile_frames_leave_other_sessions_untouched;
mod hostile_server_api_calls_store_nothing;
mod kick_other_device;
mod lbs_lists_this_node;
mod login_ports_pushed_to_other_devices;
mod login_rate_limit_gets_416;
mod login_rate_limit_per_account_gets_416;
mod login_refusal_codes;
mod login_timeout_closes_4008;
mod login_with_correct_token_gets_login_ok;
mod login_with_wrong_token_gets_302;
mod memory_per_idle_connection;
mod metrics_are_exposed;
mod modules_import_no_cycle;
mod nim_official_client;
mod nim_official_devices_beside_nim_wasm;
mod nim_official_hostile_frames_close_cleanly;
mod nim_official_lbs_and_handshake_cors;
mod no_secret_or_token_in_any_log_line;
mod origin_allow_list_guards_the_websocket;
mod policy_desktop_mobile;
mod policy_multi_limit;
mod policy_single_kicks_older_device;
mod replayed_nonce_is_rejected;
mod restart_keeps_accounts;
mod same_device_id_replaces_connection;
mod server_api_broken_encoding_gets_414;
mod server_api_creates_accounts;
mod shutdown_closes_with_1012;
mod sigkill_under_load_loses_nothing_acknowledged;
mod slow_loris_never_locks_out_logins;
mod slow_reader_is_closed_with_4009;
mod soak_through_faulty_proxy;
mod static_files_and_health;
mod tls_serves_wss_with_a_self_signed_certificate;
mod token_update_and_refresh;
