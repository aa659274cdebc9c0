/*
 * sim/scenario/sc_internal.h -- what the parts of the scenario loader share:
 * scenario.c (load, extends, --set, the order of validation) and the
 * sections it validates (sc_topology.c, sc_components.c, sc_workload.c,
 * sc_faults.c, sc_pricing.c). Each section reads only what the sections
 * before it produced.
 */
#ifndef SS_SC_INTERNAL_H
#define SS_SC_INTERNAL_H

#include "cfg.h"
#include "node.h"
#include "registry.h"
#include "scenario.h"

char *own_str(ss_scenario *sc, const char *s);
void dir_of(const char *file, char *out, size_t n);
/* A path written in a file is relative to that file's folder. */
void relative_to(const char *file, const char *name, char *out, size_t n);
/* Letters, digits, '-' and '_', at most 40. */
bool valid_name(const char *s);
const ss_param *param_named(const ss_param *t, const char *name);
/* Components whose definition had an error: a route or a fault naming one
 * is not reported again. */
void mark_broken(ss_scenario *sc, const char *name);
bool is_broken(const ss_scenario *sc, const char *name);

void collect_regions(ss_cfgctx *ctx, const ss_node *root);
void build_datacenters(ss_cfgctx *ctx, const ss_node *root);
void build_network(ss_cfgctx *ctx, const ss_node *root);
void build_components(ss_cfgctx *ctx, const ss_node *root);
bool build_keys(ss_cfgctx *ctx, const ss_node *n, const char *path, ss_keys *k);
/* sc_retry.c: true when n is a retry that parsed (out is off otherwise) */
bool build_retry(ss_cfgctx *ctx, const ss_node *n, const char *path, ss_retry *out);
/* A component's `breaker` (n may be NULL: off). */
void build_breaker(ss_cfgctx *ctx, const ss_node *n, const char *path, ss_breaker_cfg *out);
void ss_retry_off(ss_retry *r);
void build_workload(ss_cfgctx *ctx, const ss_node *root);
void build_faults(ss_cfgctx *ctx, const ss_node *root);
/* vcpus[i]: component i's instance type's vCPUs (0 without one). */
void build_pricing(ss_cfgctx *ctx, const ss_node *root, int *vcpus);
void resolve_vcpus(ss_cfgctx *ctx, const ss_node *root, const int *vcpus);
void build_exercise(ss_cfgctx *ctx, const ss_node *root);

#endif
