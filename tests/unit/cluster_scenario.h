/*
 * cluster_scenario.h — the small two-tier scenario the cluster tests run
 * (test_cluster.c as it is, test_study_cluster.c with overrides).
 */
#ifndef INFL_TEST_CLUSTER_SCENARIO_H
#define INFL_TEST_CLUSTER_SCENARIO_H

static const char *CLUSTER_SCENARIO =
    "name: cluster\n"
    "seed: 42\n"
    "trials: 9000\n"
    "budget: 3000\n"
    "regions: [{name: A, shippable: true}, {name: B, shippable: false}]\n"
    "product: {price: 80, unit_cost: 20}\n"
    "market:\n"
    "  purchase_rate: {beta: {mean: 0.02, kappa: 100}}\n"
    "  addressable: {uniform: {min: 5000, max: 20000}}\n"
    "  wom_purchase_factor: {uniform: {min: 0.2, max: 0.8}}\n"
    "tiers:\n"
    "  nano:\n"
    "    followers: {loguniform: {min: 1000, max: 5000}}\n"
    "    price_per_1k_followers: {lognormal: {median: 20, sigma: 0.3}}\n"
    "    gifted_share: 0.3\n"
    "    reach_rate: {beta: {mean: 0.4, kappa: 20}}\n"
    "    engagement_rate: {beta: {mean: 0.08, kappa: 40}}\n"
    "    audience: [0.7, 0.3]\n"
    "    interest_share: {beta: {mean: 0.15, kappa: 20}}\n"
    "  macro:\n"
    "    followers: {lognormal: {median: 700000, sigma: 0.3}}\n"
    "    price: {uniform: {min: 4000, max: 9000}}\n"
    "    reach_rate: 0.2\n"
    "    engagement_rate: 0.05\n"
    "    audience: [0.5, 0.5]\n"
    "    interest_share: 0.03\n"
    "strategies:\n"
    "  - {name: nano, allocation: {nano: 1}}\n"
    "  - {name: mix, allocation: {nano: 0.6, macro: 0.4}}\n";

#endif
