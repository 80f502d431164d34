package compile

import "strings"

// instanceSize is what one EC2 instance type holds.
type instanceSize struct {
	vcpus  float64
	memMiB int64
	gpus   int
}

// instanceTable names the table of instance types steps are checked
// against, as findings quote it.
const instanceTable = "Sluice's table of common EC2 instance types (compile/instances.go)"

// instanceTypes returns the vCPUs, memory and GPUs of the instance types
// of the families Batch users most often name: m4, m5, m6i, c4, c5, c6i,
// r4, r5, r6i, g4dn, g5, p3, p3dn and p4d. A type that is not here is not
// checked.
//
// Source: Amazon EC2 instance type specifications as AWS publishes them
// (https://aws.amazon.com/ec2/instance-types/ and the EC2 User Guide's
// "Instance type specifications"), written down on 2026-12-07 from those
// pages as known then, not fetched that day: check a family against the
// page when adding or changing it. Memory is the instance's nominal
// memory; the ECS agent keeps some of it, so a job needs a little less.
func instanceTypes() map[string]instanceSize {
	t := make(map[string]instanceSize, 120)
	add := func(family string, sizes ...instanceRow) {
		for _, s := range sizes {
			t[family+"."+s.size] = instanceSize{vcpus: s.vcpus, memMiB: int64(s.memGiB * 1024), gpus: s.gpus}
		}
	}
	general := []instanceRow{{"large", 2, 8, 0}, {"xlarge", 4, 16, 0}, {"2xlarge", 8, 32, 0}, {"4xlarge", 16, 64, 0},
		{"8xlarge", 32, 128, 0}, {"12xlarge", 48, 192, 0}, {"16xlarge", 64, 256, 0}, {"24xlarge", 96, 384, 0}}
	add("m5", append(general, instanceRow{"metal", 96, 384, 0})...)
	add("m6i", append(general, instanceRow{"32xlarge", 128, 512, 0}, instanceRow{"metal", 128, 512, 0})...)
	add("m4", instanceRow{"large", 2, 8, 0}, instanceRow{"xlarge", 4, 16, 0}, instanceRow{"2xlarge", 8, 32, 0},
		instanceRow{"4xlarge", 16, 64, 0}, instanceRow{"10xlarge", 40, 160, 0}, instanceRow{"16xlarge", 64, 256, 0})
	add("c5", instanceRow{"large", 2, 4, 0}, instanceRow{"xlarge", 4, 8, 0}, instanceRow{"2xlarge", 8, 16, 0},
		instanceRow{"4xlarge", 16, 32, 0}, instanceRow{"9xlarge", 36, 72, 0}, instanceRow{"12xlarge", 48, 96, 0},
		instanceRow{"18xlarge", 72, 144, 0}, instanceRow{"24xlarge", 96, 192, 0}, instanceRow{"metal", 96, 192, 0})
	add("c6i", instanceRow{"large", 2, 4, 0}, instanceRow{"xlarge", 4, 8, 0}, instanceRow{"2xlarge", 8, 16, 0},
		instanceRow{"4xlarge", 16, 32, 0}, instanceRow{"8xlarge", 32, 64, 0}, instanceRow{"12xlarge", 48, 96, 0},
		instanceRow{"16xlarge", 64, 128, 0}, instanceRow{"24xlarge", 96, 192, 0}, instanceRow{"32xlarge", 128, 256, 0},
		instanceRow{"metal", 128, 256, 0})
	add("c4", instanceRow{"large", 2, 3.75, 0}, instanceRow{"xlarge", 4, 7.5, 0}, instanceRow{"2xlarge", 8, 15, 0},
		instanceRow{"4xlarge", 16, 30, 0}, instanceRow{"8xlarge", 36, 60, 0})
	memory := []instanceRow{{"large", 2, 16, 0}, {"xlarge", 4, 32, 0}, {"2xlarge", 8, 64, 0}, {"4xlarge", 16, 128, 0},
		{"8xlarge", 32, 256, 0}, {"12xlarge", 48, 384, 0}, {"16xlarge", 64, 512, 0}, {"24xlarge", 96, 768, 0}}
	add("r5", append(memory, instanceRow{"metal", 96, 768, 0})...)
	add("r6i", append(memory, instanceRow{"32xlarge", 128, 1024, 0}, instanceRow{"metal", 128, 1024, 0})...)
	add("r4", instanceRow{"large", 2, 15.25, 0}, instanceRow{"xlarge", 4, 30.5, 0}, instanceRow{"2xlarge", 8, 61, 0},
		instanceRow{"4xlarge", 16, 122, 0}, instanceRow{"8xlarge", 32, 244, 0}, instanceRow{"16xlarge", 64, 488, 0})
	add("g4dn", instanceRow{"xlarge", 4, 16, 1}, instanceRow{"2xlarge", 8, 32, 1}, instanceRow{"4xlarge", 16, 64, 1},
		instanceRow{"8xlarge", 32, 128, 1}, instanceRow{"12xlarge", 48, 192, 4}, instanceRow{"16xlarge", 64, 256, 1},
		instanceRow{"metal", 96, 384, 8})
	add("g5", instanceRow{"xlarge", 4, 16, 1}, instanceRow{"2xlarge", 8, 32, 1}, instanceRow{"4xlarge", 16, 64, 1},
		instanceRow{"8xlarge", 32, 128, 1}, instanceRow{"12xlarge", 48, 192, 4}, instanceRow{"16xlarge", 64, 256, 1},
		instanceRow{"24xlarge", 96, 384, 4}, instanceRow{"48xlarge", 192, 768, 8})
	add("p3", instanceRow{"2xlarge", 8, 61, 1}, instanceRow{"8xlarge", 32, 244, 4}, instanceRow{"16xlarge", 64, 488, 8})
	add("p3dn", instanceRow{"24xlarge", 96, 768, 8})
	add("p4d", instanceRow{"24xlarge", 96, 1152, 8})
	return t
}

type instanceRow struct {
	size   string
	vcpus  float64
	memGiB float64
	gpus   int
}

// instanceSizes returns the sizes a compute environment's instance types
// stand for: a type ("m5.large") or a family ("m5": all its sizes). ok
// is false when one of them is not in the table, and for "optimal" (the
// default), whose families Batch picks by Region: the environment is
// then not checked.
func instanceSizes(table map[string]instanceSize, names []string) (sizes []instanceSize, ok bool) {
	if len(names) == 0 {
		return nil, false
	}
	for _, name := range names {
		if strings.Contains(name, ".") {
			s, found := table[name]
			if !found {
				return nil, false
			}
			sizes = append(sizes, s)
			continue
		}
		n := len(sizes)
		for typ, s := range table {
			if strings.HasPrefix(typ, name+".") {
				sizes = append(sizes, s)
			}
		}
		if len(sizes) == n {
			return nil, false
		}
	}
	return sizes, true
}
