/* sim/registry.h -- component kinds by name, generated from models/models.def. */
#ifndef SS_REGISTRY_H
#define SS_REGISTRY_H

#include <stddef.h>

#include "scalesim/model.h"

/* NULL-terminated, in the order of models.def. */
extern const ss_model_ops *const ss_models[];

const ss_model_ops *ss_model_find(const char *kind);
size_t ss_model_count(void);

#endif
