// texture may use core: no violation here.
#include "core/log.hpp"
#include "texture/angles.hpp"
