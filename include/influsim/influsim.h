/*
 * influsim/influsim.h — the whole public API in one include, for programs
 * that link the library (examples/minimal.c). Each header also compiles on
 * its own; tests/layering.py checks that every one of them is listed here.
 */
#ifndef INFLUSIM_INFLUSIM_H
#define INFLUSIM_INFLUSIM_H

#include "influsim/error.h"
#include "influsim/version.h"
#include "influsim/scenario.h"
#include "influsim/starter.h"
#include "influsim/metric.h"
#include "influsim/outlook.h"
#include "influsim/results.h"
#include "influsim/checkpoint.h"
#include "influsim/cluster.h"
#include "influsim/engine.h"
#include "influsim/study.h"
#include "influsim/factor.h"
#include "influsim/unspent.h"
#include "influsim/named.h"
#include "influsim/sweep.h"
#include "influsim/plan.h"
#include "influsim/objective.h"
#include "influsim/optimize.h"
#include "influsim/select.h"
#include "influsim/sensitivity.h"
#include "influsim/h5.h"
#include "influsim/pipeline.h"
#include "influsim/report.h"

#endif
