#pragma once

#include <QPalette>

namespace getbill::test {

/// The dark palette of the screenshot drivers (a dark desktop theme as qt6ct would give it).
QPalette darkPalette();

} // namespace getbill::test
