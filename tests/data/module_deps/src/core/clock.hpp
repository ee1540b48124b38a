#pragma once
// core may use nothing: this include breaks the rule.
#include "core/log.hpp"
#include "texture/quaternion.hpp"
