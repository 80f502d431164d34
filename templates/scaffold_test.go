package templates_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/templates"
)

// listFiles returns the files under dir, slash-separated and sorted.
func listFiles(tb testing.TB, dir string) []string {
	tb.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		out = append(out, filepath.ToSlash(rel))
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	sort.Strings(out)
	return out
}

func TestScaffoldWritesTheTemplate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "Churn Models")
	if err := templates.Scaffold("training", dir, ""); err != nil {
		t.Fatal(err)
	}
	want := []string{".gitignore", "README.md", "deploy/compute.yaml", "deploy/pipeline.yaml", "deploy/stores.yaml",
		"sluice.yaml", "steps/evaluate.py", "steps/linear_model.py", "steps/pick.py", "steps/prepare.py",
		"steps/register.py", "steps/report.py", "steps/sluice_step.py", "steps/train.py"}
	if got := listFiles(t, dir); !reflect.DeepEqual(got, want) {
		t.Errorf("scaffold wrote %v, want %v", got, want)
	}
	project, err := os.ReadFile(filepath.Join(dir, "sluice.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(project), "\n  name: churn-models\n") {
		t.Errorf("sluice.yaml does not name the project after the directory:\n%s", project)
	}
	info, err := os.Stat(filepath.Join(dir, "steps", "train.py"))
	if err != nil || info.Mode().Perm()&0o100 == 0 {
		t.Errorf("steps/train.py is not executable: %v %v", info.Mode(), err)
	}
}

func TestScaffoldRefusesToOverwrite(t *testing.T) {
	dir := t.TempDir()
	mine := filepath.Join(dir, "deploy", "pipeline.yaml")
	if err := os.MkdirAll(filepath.Dir(mine), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(mine, []byte("mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := templates.Scaffold("batch-prediction", dir, "churn")
	if sluice.KindOf(err) != sluice.KindConflict || !strings.Contains(err.Error(), "deploy/pipeline.yaml") {
		t.Fatalf("Scaffold over an existing file: error %v, want a conflict naming deploy/pipeline.yaml", err)
	}
	if got := listFiles(t, dir); !reflect.DeepEqual(got, []string{"deploy/pipeline.yaml"}) {
		t.Errorf("Scaffold wrote files after refusing: %v", got)
	}
	if data, _ := os.ReadFile(mine); string(data) != "mine\n" {
		t.Errorf("Scaffold changed the existing file: %q", data)
	}
}

func TestScaffoldErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, template, dir, project string
		kind                         sluice.Kind
		want                         string
	}{
		{"bad project name", "training", filepath.Join(dir, "a"), "Churn_Models", sluice.KindInvalid,
			`project name "Churn_Models": use lowercase letters, digits and hyphens`},
		{"no usable directory name", "training", filepath.Join(dir, "2024"), "", sluice.KindInvalid,
			`cannot make a project name from directory "2024"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := templates.Scaffold(tt.template, tt.dir, tt.project)
			if sluice.KindOf(err) != tt.kind || err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Scaffold error = %v, want %s containing %q", err, tt.kind, tt.want)
			}
			if _, statErr := os.Stat(tt.dir); !errors.Is(statErr, fs.ErrNotExist) {
				t.Errorf("Scaffold created %s after failing", tt.dir)
			}
		})
	}
	var te *templates.Error
	if err := templates.Scaffold("trainng", filepath.Join(dir, "b"), ""); !errors.As(err, &te) {
		t.Errorf("Scaffold of an unknown template: error %v, want a *templates.Error", err)
	}
}

func TestProjectName(t *testing.T) {
	long := strings.Repeat("a", 62) + "-b"
	tests := []struct{ dir, want string }{
		{"churn", "churn"},
		{"/work/My_Churn.Models", "my-churn-models"},
		{"2024-fraud--detection!", "fraud-detection"},
		{"ML Ops (EU)", "ml-ops-eu"},
		{long, strings.Repeat("a", 62)},
	}
	for _, tt := range tests {
		got, err := templates.ProjectName(tt.dir)
		if err != nil || got != tt.want {
			t.Errorf("ProjectName(%q) = %q, %v; want %q", tt.dir, got, err, tt.want)
		}
		if err == nil && templates.CheckProjectName(got) != nil {
			t.Errorf("ProjectName(%q) = %q, which CheckProjectName refuses", tt.dir, got)
		}
	}
}
