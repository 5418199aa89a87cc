#ifndef MIXEDSLAM_CSUITESPARSE_SHIM_H
#define MIXEDSLAM_CSUITESPARSE_SHIM_H
// Debian installs SuiteSparse under include/suitesparse; other layouts put it at the top.
#if __has_include(<suitesparse/cholmod.h>)
#include <suitesparse/cholmod.h>
#include <suitesparse/amd.h>
#else
#include <cholmod.h>
#include <amd.h>
#endif
#endif
