/* sim/registry.c -- the table of component kinds, from models/models.def. */
#include "registry.h"

#include <string.h>

#define SS_MODEL(kind) extern const ss_model_ops ss_model_##kind;
#include "models.def"
#undef SS_MODEL

const ss_model_ops *const ss_models[] = {
#define SS_MODEL(kind) &ss_model_##kind,
#include "models.def"
#undef SS_MODEL
    NULL,
};

const ss_model_ops *ss_model_find(const char *kind)
{
    for (size_t i = 0; ss_models[i]; i++)
        if (strcmp(ss_models[i]->kind, kind) == 0)
            return ss_models[i];
    return NULL;
}

size_t ss_model_count(void)
{
    size_t n = 0;
    while (ss_models[n])
        n++;
    return n;
}
