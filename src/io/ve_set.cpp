#include "io/ve_set.hpp"

#include <fmt/core.h>

#include <optional>

#include "core/comm.hpp"
#include "core/errors.hpp"
#include "io/hdf5.hpp"
#include "io/schema.hpp"

namespace mspipe::io {

using microstructure::VolumeElement;
using h5::Dims;

namespace {
constexpr hsize_t kGrainChunk = 4096;

hsize_t cube(int d) { return hsize_t(d) * hsize_t(d) * hsize_t(d); }

}  // namespace

// ---- writer ----------------------------------------------------------------------------

struct VeSetWriter::Impl {
  core::Comm comm;  // a duplicate: the writer outlives its constructor call
  VeSetHeader header;
  h5::File file;
  std::optional<h5::Dataset> euler, grain_id, id, grain_count, grain_offset;
  std::optional<h5::Dataset> mean_esd, mean_aspect, face_grains;
  std::optional<h5::Dataset> g_orientation, g_centre, g_volume, g_esd, g_target, g_aspect;
  // Staging buffers kept across appends: refilling warm memory is far cheaper than
  // faulting in fresh pages for megabytes every block.
  std::vector<float> euler_buf;
  std::vector<std::int32_t> gid_buf;

  Impl(const std::filesystem::path& path, const VeSetHeader& h, const core::Comm& c)
      : comm(c.dup()), header(h), file(h5::File::create(path, c)) {}
};

VeSetWriter::VeSetWriter(const std::filesystem::path& path, const VeSetHeader& header,
                         const core::Comm& comm)
    : impl_(std::make_unique<Impl>(path, header, comm)) {
  const auto& root = impl_->file.root();
  const hsize_t n = static_cast<hsize_t>(header.count);
  const hsize_t d = static_cast<hsize_t>(header.size);
  write_schema(root, kVeSetSchema, kVeSetSchemaVersion);
  root.write_attribute("lattice", header.lattice);
  root.write_attribute("size", std::int64_t(header.size));
  root.write_attribute("resolution", header.resolution);
  root.write_attribute("seed", static_cast<std::int64_t>(header.seed));
  root.write_attribute("count", header.count);
  root.write_attribute("generator", header.generator);
  root.write_attribute("euler_normalisation", "Bunge (phi1/2pi, Phi/pi, phi2/2pi), FZ-reduced, radians before scaling");
  root.write_attribute("voxel_order", "x fastest: /ve/euler (N, 3, z, y, x), /ve/grain_id (N, z, y, x)");

  auto& m = *impl_;
  const auto ve = root.create_group("ve");
  m.euler = ve.create_dataset<float>("euler", {n, 3, d, d, d},
                                     {.chunk = {1, 3, d, d, d}, .deflate = 1, .shuffle = false, .max_dims = {}});
  m.grain_id = ve.create_dataset<std::int32_t>("grain_id", {n, d, d, d},
                                               {.chunk = {1, d, d, d}, .deflate = 1, .shuffle = false, .max_dims = {}});
  m.id = ve.create_dataset<std::int64_t>("id", {n});
  m.grain_count = ve.create_dataset<std::int32_t>("grain_count", {n});
  m.grain_offset = ve.create_dataset<std::int64_t>("grain_offset", {n});
  const auto stats = root.create_group("stats");
  m.mean_esd = stats.create_dataset<double>("mean_esd", {n});
  m.mean_aspect = stats.create_dataset<double>("mean_aspect_ratio", {n});
  m.face_grains = stats.create_dataset<std::int32_t>("face_grains", {n, 6});
  const auto grains = root.create_group("grains");
  const auto table = [&](std::string_view name, hsize_t cols) {
    if (cols == 0)
      return grains.create_dataset<double>(name, {0}, {.chunk = {kGrainChunk}, .deflate = 0, .shuffle = false, .max_dims = {H5S_UNLIMITED}});
    return grains.create_dataset<double>(name, {0, cols},
                                         {.chunk = {kGrainChunk, cols}, .deflate = 0, .shuffle = false, .max_dims = {H5S_UNLIMITED, cols}});
  };
  m.g_orientation = table("orientation", 4);
  m.g_centre = table("centre", 3);
  m.g_volume = table("volume_voxels", 0);
  m.g_esd = table("esd", 0);
  m.g_target = table("target_esd", 0);
  m.g_aspect = table("aspect_ratio", 0);
}

VeSetWriter::~VeSetWriter() = default;

void VeSetWriter::append(std::int64_t first_row, std::span<const VolumeElement> ves) {
  auto& m = *impl_;
  const auto& comm = m.comm;
  const auto n_local = static_cast<std::int64_t>(ves.size());

  // Every rank checks the same layout, so a mistake is found identically everywhere.
  const auto firsts = comm.allgather(first_row);
  const auto counts = comm.allgather(n_local);
  std::int64_t expect = rows_;
  std::optional<std::string> err;
  for (int r = 0; r < comm.size(); ++r) {
    if (!err && counts[r] > 0 && firsts[r] != expect)
      err = fmt::format("rank {} writes rows from {}, expected {}", r, firsts[r], expect);
    expect += counts[r];
  }
  if (!err && expect > m.header.count)
    err = fmt::format("{} rows exceed the {} the file was created for", expect, m.header.count);
  std::optional<std::string> local;
  const std::int64_t vox = static_cast<std::int64_t>(cube(m.header.size));
  for (const auto& v : ves)
    if (v.size != m.header.size || std::int64_t(v.grain_id.size()) != vox ||
        std::int64_t(v.euler.size()) != 3 * vox)
      local = fmt::format("VE {} has size {} ({} ids, {} angles), the file holds {}^3 VEs", v.id, v.size,
                          v.grain_id.size(), v.euler.size(), m.header.size);
  if (err) local = err;
  core::raise_if_any(comm, local ? std::optional<std::string>(core::format_error(m.file.path().string(), *local)) : std::nullopt,
                     core::ExitCode::failure);

  // Grain rows: this block's grains follow the file's, rank by rank.
  std::int64_t my_grains = 0;
  for (const auto& v : ves) my_grains += static_cast<std::int64_t>(v.grains.size());
  const auto grain_counts = comm.allgather(my_grains);
  std::int64_t grain_base = grains_, block_grains = 0;
  for (int r = 0; r < comm.size(); ++r) {
    if (r < comm.rank()) grain_base += grain_counts[r];
    block_grains += grain_counts[r];
  }

  const hsize_t row = static_cast<hsize_t>(n_local > 0 ? first_row : 0);
  const hsize_t nl = static_cast<hsize_t>(n_local);
  const hsize_t d = static_cast<hsize_t>(m.header.size);
  std::vector<float>& euler = m.euler_buf;
  std::vector<std::int32_t>& gid = m.gid_buf;
  euler.clear();
  gid.clear();
  std::vector<std::int32_t> gcount, faces;
  std::vector<std::int64_t> ids, goffset;
  std::vector<double> mesd, masp;
  euler.reserve(nl * 3 * cube(m.header.size));
  gid.reserve(nl * cube(m.header.size));
  std::int64_t g = grain_base;
  std::vector<double> orient, centre, volume, esd, target, aspect;
  for (const auto& v : ves) {
    euler.insert(euler.end(), v.euler.begin(), v.euler.end());
    gid.insert(gid.end(), v.grain_id.begin(), v.grain_id.end());
    ids.push_back(v.id);
    gcount.push_back(static_cast<std::int32_t>(v.grains.size()));
    goffset.push_back(g);
    g += static_cast<std::int64_t>(v.grains.size());
    mesd.push_back(v.stats.mean_esd);
    masp.push_back(v.stats.mean_aspect_ratio);
    faces.insert(faces.end(), v.stats.face_grains.begin(), v.stats.face_grains.end());
    for (const auto& gr : v.grains) {
      orient.insert(orient.end(), {gr.orientation.w, gr.orientation.x, gr.orientation.y, gr.orientation.z});
      centre.insert(centre.end(), gr.centre.begin(), gr.centre.end());
      volume.push_back(gr.volume_voxels);
      esd.push_back(gr.esd);
      target.push_back(gr.target_esd);
      aspect.push_back(gr.aspect_ratio);
    }
  }
  m.euler->write<float>(euler, {row, 0, 0, 0, 0}, {nl, 3, d, d, d});
  m.grain_id->write<std::int32_t>(gid, {row, 0, 0, 0}, {nl, d, d, d});
  m.id->write<std::int64_t>(ids, {row}, {nl});
  m.grain_count->write<std::int32_t>(gcount, {row}, {nl});
  m.grain_offset->write<std::int64_t>(goffset, {row}, {nl});
  m.mean_esd->write<double>(mesd, {row}, {nl});
  m.mean_aspect->write<double>(masp, {row}, {nl});
  m.face_grains->write<std::int32_t>(faces, {row, 0}, {nl, 6});

  const hsize_t total = static_cast<hsize_t>(grains_ + block_grains);
  const hsize_t gb = static_cast<hsize_t>(my_grains > 0 ? grain_base : 0);
  const hsize_t gl = static_cast<hsize_t>(my_grains);
  m.g_orientation->extend({total, 4});
  m.g_centre->extend({total, 3});
  for (auto* ds : {&m.g_volume, &m.g_esd, &m.g_target, &m.g_aspect}) (*ds)->extend({total});
  m.g_orientation->write<double>(orient, {gb, 0}, {gl, 4});
  m.g_centre->write<double>(centre, {gb, 0}, {gl, 3});
  m.g_volume->write<double>(volume, {gb}, {gl});
  m.g_esd->write<double>(esd, {gb}, {gl});
  m.g_target->write<double>(target, {gb}, {gl});
  m.g_aspect->write<double>(aspect, {gb}, {gl});

  rows_ = expect;
  grains_ += block_grains;
}

void VeSetWriter::commit() {
  auto& m = *impl_;
  if (rows_ != m.header.count)
    throw core::CollectiveError(core::format_error(m.file.path().string(),
                                                   fmt::format("only {} of {} VEs were written", rows_, m.header.count)),
                                core::ExitCode::failure);
  m.file.root().write_attribute("grains", grains_);
  for (auto* ds : {&m.euler, &m.grain_id, &m.id, &m.grain_count, &m.grain_offset, &m.mean_esd, &m.mean_aspect,
                   &m.face_grains, &m.g_orientation, &m.g_centre, &m.g_volume, &m.g_esd, &m.g_target, &m.g_aspect})
    ds->reset();
  m.file.commit();
}

// ---- reader ----------------------------------------------------------------------------


struct VeSetReader::Impl {
  h5::File file;
  h5::Group ve, grains, stats;
  h5::Dataset euler, grain_id;
  explicit Impl(h5::File f)
      : file(std::move(f)),
        ve(file.root().group("ve")),
        grains(file.root().group("grains")),
        stats(file.root().group("stats")),
        euler(ve.dataset("euler")),
        grain_id(ve.dataset("grain_id")) {}
};

VeSetReader::VeSetReader(const std::filesystem::path& path)
    : impl_(std::make_unique<Impl>(open_schema_file(path, kVeSetSchema, kVeSetSchemaVersion, "a VE set"))) {
  const auto& root = impl_->file.root();
  header_.size = static_cast<int>(root.integer_attribute("size"));
  header_.resolution = root.number_attribute("resolution");
  header_.lattice = root.string_attribute("lattice");
  header_.seed = static_cast<std::uint64_t>(root.integer_attribute("seed"));
  header_.count = root.integer_attribute("count");
  header_.generator = root.string_attribute("generator");

  const hsize_t n = static_cast<hsize_t>(header_.count);
  const hsize_t d = static_cast<hsize_t>(header_.size);
  const auto expect = [&](const h5::Dataset& ds, const Dims& want, hid_t type) {
    if (ds.dims() != want) {
      std::string w = "(";
      for (std::size_t i = 0; i < want.size(); ++i) w += (i ? ", " : "") + std::to_string(want[i]);
      ds.fail(fmt::format("shape does not match the header, expected {})", w));
    }
    if (!ds.stores(type)) ds.fail("stores an unexpected element type");
  };
  expect(impl_->euler, {n, 3, d, d, d}, H5T_NATIVE_FLOAT);
  expect(impl_->grain_id, {n, d, d, d}, H5T_NATIVE_INT32);
  const auto id = impl_->ve.dataset("id");
  const auto gc = impl_->ve.dataset("grain_count");
  const auto go = impl_->ve.dataset("grain_offset");
  expect(id, {n}, H5T_NATIVE_INT64);
  expect(gc, {n}, H5T_NATIVE_INT32);
  expect(go, {n}, H5T_NATIVE_INT64);
  ids_ = id.read_all<std::int64_t>();
  grain_count_ = gc.read_all<std::int32_t>();
  grain_offset_ = go.read_all<std::int64_t>();
}

VeSetReader::~VeSetReader() = default;
VeSetReader::VeSetReader(VeSetReader&&) noexcept = default;

void VeSetReader::check_rows(std::int64_t first, std::int64_t n) const {
  if (first < 0 || n < 0 || first + n > header_.count)
    impl_->file.root().fail_in_file(fmt::format("rows [{}, {}) are outside the {} VEs of the set", first, first + n, header_.count));
}

void VeSetReader::read_euler(std::int64_t first, std::int64_t n, std::span<float> out) const {
  check_rows(first, n);
  const hsize_t d = static_cast<hsize_t>(header_.size);
  impl_->euler.read_into<float>(out, {hsize_t(first), 0, 0, 0, 0}, {hsize_t(n), 3, d, d, d});
}

void VeSetReader::read_grain_ids(std::int64_t first, std::int64_t n, std::span<std::int32_t> out) const {
  check_rows(first, n);
  const hsize_t d = static_cast<hsize_t>(header_.size);
  impl_->grain_id.read_into<std::int32_t>(out, {hsize_t(first), 0, 0, 0}, {hsize_t(n), d, d, d});
}

std::vector<VolumeElement> VeSetReader::read_batch(std::int64_t first, std::int64_t n) const {
  check_rows(first, n);
  const std::size_t vox = cube(header_.size);
  std::vector<float> euler(static_cast<std::size_t>(n) * 3 * vox);
  std::vector<std::int32_t> gid(static_cast<std::size_t>(n) * vox);
  read_euler(first, n, euler);
  read_grain_ids(first, n, gid);

  const hsize_t f = hsize_t(first), nn = hsize_t(n);
  const auto mesd = impl_->stats.dataset("mean_esd").read<double>({f}, {nn});
  const auto masp = impl_->stats.dataset("mean_aspect_ratio").read<double>({f}, {nn});
  const auto faces = impl_->stats.dataset("face_grains").read<std::int32_t>({f, 0}, {nn, 6});

  // The grains of rows [first, first + n) are one contiguous run of the grain table.
  const std::int64_t g0 = n > 0 ? grain_offset_[first] : 0;
  std::int64_t gn = 0;
  for (std::int64_t i = first; i < first + n; ++i) gn += grain_count_[i];
  const hsize_t gb = hsize_t(g0), gl = hsize_t(gn);
  const auto& gr = impl_->grains;
  const auto orient = gr.dataset("orientation").read<double>({gb, 0}, {gl, 4});
  const auto centre = gr.dataset("centre").read<double>({gb, 0}, {gl, 3});
  const auto volume = gr.dataset("volume_voxels").read<double>({gb}, {gl});
  const auto esd = gr.dataset("esd").read<double>({gb}, {gl});
  const auto target = gr.dataset("target_esd").read<double>({gb}, {gl});
  const auto aspect = gr.dataset("aspect_ratio").read<double>({gb}, {gl});

  std::vector<VolumeElement> out(static_cast<std::size_t>(n));
  for (std::int64_t k = 0; k < n; ++k) {
    auto& v = out[k];
    const std::int64_t row = first + k;
    v.id = ids_[row];
    v.size = header_.size;
    v.resolution = header_.resolution;
    v.euler.assign(euler.begin() + k * 3 * vox, euler.begin() + (k + 1) * 3 * vox);
    v.grain_id.assign(gid.begin() + k * vox, gid.begin() + (k + 1) * vox);
    v.stats.mean_esd = mesd[k];
    v.stats.mean_aspect_ratio = masp[k];
    for (int j = 0; j < 6; ++j) v.stats.face_grains[j] = faces[6 * k + j];
    const std::int64_t begin = grain_offset_[row] - g0;
    v.grains.resize(static_cast<std::size_t>(grain_count_[row]));
    for (std::size_t j = 0; j < v.grains.size(); ++j) {
      const std::size_t r = static_cast<std::size_t>(begin) + j;
      auto& g = v.grains[j];
      g.orientation = {orient[4 * r], orient[4 * r + 1], orient[4 * r + 2], orient[4 * r + 3]};
      g.centre = {centre[3 * r], centre[3 * r + 1], centre[3 * r + 2]};
      g.volume_voxels = volume[r];
      g.esd = esd[r];
      g.target_esd = target[r];
      g.aspect_ratio = aspect[r];
    }
  }
  return out;
}

VolumeElement VeSetReader::read(std::int64_t index) const { return std::move(read_batch(index, 1).front()); }

}  // namespace mspipe::io
